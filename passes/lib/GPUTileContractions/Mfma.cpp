//===- Mfma.cpp - AMD matrix-core products (amdgpu.mfma 16x16x16) ---------===//
//
// One block of four 64-lane waves computes a tileM x tileN tile of C; each
// wave owns a (tileM/wavesM) x (tileN/wavesN) sub-tile made of 16x16
// accumulator tiles (four f32 a lane, in the layout of
// v_mfma_f32_16x16x16_f16 / _bf16_1k: column lane % 16, rows
// 4 (lane / 16) .. +3). Per tileK-deep slice:
//
//   A slice [tileM][tileK + 4] and B slice [tileN][tileK + 4] in workgroup
//   memory, both with k along the rows (B transposed while it is staged
//   when its memory follows N), staged by coalesced element loads
//   (stageTile), then a barrier. The 4-element row padding puts the 16
//   rows that a quarter wave reads (8 bytes each) in distinct banks.
//   per 16-deep step and mfma tile: each lane reads its A fragment (row
//   lane % 16, k 4 (lane / 16) .. +3) and B fragment (column lane % 16,
//   the same k) as one 4-element vector each, and one amdgpu.mfma
//   16x16x16 accumulates into the tile's registers.
//
// The accumulators live in private memory with constant indices only (the
// code is unrolled), which LLVM keeps in registers. At the end the
// epilogue (bias, activation, residual) is applied to them and stored.
// gpu-emu runs this same kernel: dlc-gpu-launch-to-loops emulates
// amdgpu.mfma as a 64-lane collective with the hardware's lane layouts.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "llvm/Support/FormatVariadic.h"
#include "dlc/Passes/GPUCostModel.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace dlc::gputile {

namespace {

class MfmaKernel {
public:
  MfmaKernel(Contraction &c, const dlc::gpu::MfmaTiles &t, bool fuseEpilogues)
      : c(c), t(t), fuse(fuseEpilogues) {}

  void build() {
    MLIRContext *ctx = c.op->getContext();
    Location loc = c.op.getLoc();
    mi = t.waveTileM() / 16;
    nj = t.waveTileN() / 16;
    int64_t pad = dlc::gpu::MfmaTiles::kPad;
    std::optional<Epilogue> epi;
    launch = createProductLaunch(
        c, fuse, t.tileM, t.tileN, t.threads(),
        TypeRange{workgroupBuffer(ctx, {t.tileM, t.tileK + pad}, c.aElem),
                  workgroupBuffer(ctx, {t.tileN, t.tileK + pad}, c.bElem)},
        TypeRange{privateBuffer(ctx, {mi, nj, 4}, Float32Type::get(ctx))},
        epi);
    launch->setAttr("dlc.tensor_cores", StringAttr::get(ctx, "mfma"));
    describeLaunch(
        launch, c,
        llvm::formatv("tensor cores: mfma 16x16x16 f32 += {0}, {1}x{2} "
                      "tiles, {3}x{4} waves of {5}x{6}, {7}-deep slices "
                      "staged by element loads",
                      c.aElem.isF16() ? "f16" : "bf16", t.tileM, t.tileN,
                      t.wavesM, t.wavesN, t.waveTileM(), t.waveTileN(),
                      t.tileK)
            .str());
    OpBuilder b(launch.getBody().front().getTerminator());
    Builder k{b, loc};
    Indexer ix(c, k);
    kb = &k;
    As = launch.getWorkgroupAttributions()[0];
    Bs = launch.getWorkgroupAttributions()[1];
    acc = launch.getPrivateAttributions()[0];
    Value tid = launch.getThreadIds().x;
    Value wave = k.div(tid, dlc::gpu::kWaveSize);
    lane = k.rem(tid, dlc::gpu::kWaveSize);
    waveRow = k.mul(k.div(wave, t.wavesN), k.idx(t.waveTileM()));
    waveCol = k.mul(k.rem(wave, t.wavesN), k.idx(t.waveTileN()));
    Value rowBase = k.mul(launch.getBlockIds().y, k.idx(t.tileM));
    Value colBase = k.mul(launch.getBlockIds().x, k.idx(t.tileN));
    SmallVector<Value> base = ix.base(launch.getBlockIds().z);

    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    for (int64_t i = 0; i < mi; ++i)
      for (int64_t j = 0; j < nj; ++j)
        for (int64_t r = 0; r < 4; ++r)
          memref::StoreOp::create(b, loc, zero, acc,
                                  ValueRange{k.idx(i), k.idx(j), k.idx(r)});
    int64_t slices = (c.K + t.tileK - 1) / t.tileK;
    {
      auto loop = scf::ForOp::create(b, loc, k.idx(0), k.idx(slices), k.idx(1));
      keepRolled(loop);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      Value k0 = k.mul(loop.getInductionVar(), k.idx(t.tileK));
      stageTile(k, ix, c, c.A, true, tid, t.threads(), t.tileM, t.tileK,
                rowBase, colBase, k0, base, As, [&](Value row, Value col) {
                  return SmallVector<Value>{row, col};
                });
      // B's (k, n) goes to [n][k].
      stageTile(k, ix, c, c.B, false, tid, t.threads(), t.tileK, t.tileN,
                rowBase, colBase, k0, base, Bs, [&](Value row, Value col) {
                  return SmallVector<Value>{col, row};
                });
      mlir::gpu::BarrierOp::create(b, loc);
      compute();
      mlir::gpu::BarrierOp::create(b, loc);
    }
    // The results: register r of lane l is row 4 (l / 16) + r, column
    // l % 16 of its 16x16 tile.
    Value laneRow = k.mul(k.div(lane, 16), k.idx(4));
    Value laneCol = k.rem(lane, 16);
    for (int64_t i = 0; i < mi; ++i)
      for (int64_t j = 0; j < nj; ++j)
        for (int64_t r = 0; r < 4; ++r) {
          Value gm = k.add(k.add(rowBase, waveRow),
                           k.add(laneRow, k.idx(i * 16 + r)));
          Value gn = k.add(k.add(colBase, waveCol),
                           k.add(laneCol, k.idx(j * 16)));
          Value v = memref::LoadOp::create(
              b, loc, acc, ValueRange{k.idx(i), k.idx(j), k.idx(r)});
          storeResult(k, ix, c, epi, base, gm, gn, v);
        }
    finish(c, epi, launch);
  }

private:
  Contraction &c;
  const dlc::gpu::MfmaTiles &t;
  bool fuse;
  int64_t mi = 1, nj = 1;
  mlir::gpu::LaunchOp launch;
  Builder *kb = nullptr;
  Value As, Bs, acc, lane, waveRow, waveCol;

  /// The mfma steps of one staged slice. Each mfma reads its own
  /// fragments (the emulation ends a phase at every mfma, and only index
  /// computations cross phases; on the GPU the repeated workgroup reads
  /// of a fragment are one).
  void compute() {
    Builder &k = *kb;
    OpBuilder &b = k.b;
    Location loc = k.loc;
    auto fragType = VectorType::get({4}, c.aElem);
    auto accType = VectorType::get({4}, b.getF32Type());
    Value lane16 = k.rem(lane, 16);
    Value quad = k.mul(k.div(lane, 16), k.idx(4));
    for (int64_t kk = 0; kk < t.tileK; kk += 16) {
      Value col = k.add(quad, k.idx(kk));
      for (int64_t i = 0; i < mi; ++i)
        for (int64_t j = 0; j < nj; ++j) {
          // A: row lane % 16, k 4 (lane / 16) .. +3; B: column lane % 16,
          // the same k (B is [n][k] in workgroup memory).
          Value a = vector::LoadOp::create(
              b, loc, fragType, As,
              ValueRange{k.add(waveRow, k.add(lane16, k.idx(i * 16))), col});
          Value bv = vector::LoadOp::create(
              b, loc, fragType, Bs,
              ValueRange{k.add(waveCol, k.add(lane16, k.idx(j * 16))), col});
          SmallVector<Value> cs;
          for (int64_t r = 0; r < 4; ++r)
            cs.push_back(memref::LoadOp::create(
                b, loc, acc, ValueRange{k.idx(i), k.idx(j), k.idx(r)}));
          Value cv = vector::FromElementsOp::create(b, loc, accType, cs);
          Value d = amdgpu::MFMAOp::create(b, loc, accType, /*m=*/16,
                                           /*n=*/16, /*k=*/16,
                                           /*blocks=*/1, a, bv, cv);
          for (int64_t r = 0; r < 4; ++r)
            memref::StoreOp::create(
                b, loc,
                vector::ExtractOp::create(b, loc, d, ArrayRef<int64_t>{r}),
                acc, ValueRange{k.idx(i), k.idx(j), k.idx(r)});
        }
    }
  }
};

} // namespace

std::string mfmaRefusal(const Contraction &c) {
  if (!hasHalfInputs(c))
    return "inputs are not fp16 or bf16";
  dlc::gpu::MfmaTiles t;
  if (!dlc::gpu::chooseMfmaTiles(c.M, c.N, c.K, c.batch, t))
    return "empty";
  if (!gridFits(c, t.tileM, t.tileN))
    return "grid too large";
  return "";
}

void buildMfmaKernel(Contraction &c, bool fuseEpilogues) {
  dlc::gpu::MfmaTiles t;
  dlc::gpu::chooseMfmaTiles(c.M, c.N, c.K, c.batch, t);
  MfmaKernel(c, t, fuseEpilogues).build();
}

} // namespace dlc::gputile
