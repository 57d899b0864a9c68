//===- Simt.cpp - shared-memory tiled SIMT matrix products ----------------===//
//
// Each block of the launch computes one tile of C: tileK-deep slices of A
// and B are staged in shared memory by all threads (coalesced along the
// contiguous dimension), a barrier, then every thread accumulates its
// threadM x threadN sub-tile in private memory (registers after
// unrolling), a barrier, next slice; finally C += the accumulators. Tile
// sizes come from the GPU cost model. Mixed-precision products (f16 or
// bf16 inputs widened to f32 in the payload) keep the narrow type in
// shared memory and widen each value as it is multiplied; the
// accumulators and C stay f32.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "dlc/Passes/GPUCostModel.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace dlc::gputile {

bool buildSimtKernel(Contraction &c, bool fuseEpilogues,
                     StringRef whyNotTensorCores) {
  dlc::gpu::MatmulTiles t;
  if (!dlc::gpu::chooseMatmulTiles(c.M, c.N, c.K, t))
    return false;
  if (!gridFits(c, t.tileM, t.tileN))
    return false;
  int64_t threads = t.threads();
  int64_t colThreads = t.tileN / t.threadN;
  MLIRContext *ctx = c.op->getContext();
  Location loc = c.op.getLoc();
  Type f32 = Float32Type::get(ctx);
  // The tiles hold the inputs' own type (f16 / bf16: half the shared
  // memory and global traffic of f32); A is stored transposed ([k][m]).
  std::optional<Epilogue> epi;
  auto launch = createProductLaunch(
      c, fuseEpilogues, t.tileM, t.tileN, threads,
      TypeRange{workgroupBuffer(ctx, {t.tileK, t.tileM}, c.aElem),
                workgroupBuffer(ctx, {t.tileK, t.tileN}, c.bElem)},
      TypeRange{privateBuffer(ctx, {t.threadM, t.threadN}, f32)}, epi);
  {
    std::string strategy =
        llvm::formatv("SIMT: {0}x{1} tiles, {2}x{3} per thread, fma, "
                      "{4}-deep slices",
                      t.tileM, t.tileN, t.threadM, t.threadN, t.tileK)
            .str();
    if (!whyNotTensorCores.empty())
      strategy += " (no tensor cores: " + whyNotTensorCores.str() + ")";
    describeLaunch(launch, c, strategy);
  }
  OpBuilder b(launch.getBody().front().getTerminator());
  Builder k{b, loc};
  Indexer ix(c, k);
  Value As = launch.getWorkgroupAttributions()[0];
  Value Bs = launch.getWorkgroupAttributions()[1];
  Value acc = launch.getPrivateAttributions()[0];
  Value tid = launch.getThreadIds().x;
  Value rowBase = k.mul(launch.getBlockIds().y, k.idx(t.tileM));
  Value colBase = k.mul(launch.getBlockIds().x, k.idx(t.tileN));
  Value tRow = k.mul(k.div(tid, colThreads), k.idx(t.threadM));
  Value tCol = k.mul(k.rem(tid, colThreads), k.idx(t.threadN));
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  // A tile value as an f32 factor.
  auto widen = [&](Value v) {
    return v.getType() == f32 ? v : arith::ExtFOp::create(b, loc, f32, v);
  };
  SmallVector<Value> base = ix.base(launch.getBlockIds().z);
  k.loop(t.threadM, [&](Value i) {
    k.loop(t.threadN, [&](Value j) {
      memref::StoreOp::create(b, loc, zero, acc, ValueRange{i, j});
    });
  });
  auto kLoop =
      scf::ForOp::create(b, loc, k.idx(0), k.idx(c.K), k.idx(t.tileK));
  keepRolled(kLoop);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(kLoop.getBody()->getTerminator());
    Value k0 = kLoop.getInductionVar();
    stageTile(k, ix, c, c.A, true, tid, threads, t.tileM, t.tileK, rowBase,
              colBase, k0, base, As, [](Value row, Value col) {
                return SmallVector<Value>{col, row};
              });
    stageTile(k, ix, c, c.B, false, tid, threads, t.tileK, t.tileN, rowBase,
              colBase, k0, base, Bs, [](Value row, Value col) {
                return SmallVector<Value>{row, col};
              });
    mlir::gpu::BarrierOp::create(b, loc);
    k.loop(t.tileK, [&](Value kk) {
      k.loop(t.threadM, [&](Value i) {
        Value a = widen(memref::LoadOp::create(
            b, loc, As, ValueRange{kk, k.add(tRow, i)}));
        k.loop(t.threadN, [&](Value j) {
          Value bv = widen(memref::LoadOp::create(
              b, loc, Bs, ValueRange{kk, k.add(tCol, j)}));
          Value cv = memref::LoadOp::create(b, loc, acc, ValueRange{i, j});
          Value s = math::FmaOp::create(b, loc, a, bv, cv);
          memref::StoreOp::create(b, loc, s, acc, ValueRange{i, j});
        });
      });
    });
    mlir::gpu::BarrierOp::create(b, loc);
  }
  // C += acc, guarded at the edges (or the epilogue's output).
  k.loop(t.threadM, [&](Value i) {
    k.loop(t.threadN, [&](Value j) {
      Value gm = k.add(k.add(rowBase, tRow), i);
      Value gn = k.add(k.add(colBase, tCol), j);
      Value v = memref::LoadOp::create(b, loc, acc, ValueRange{i, j});
      storeResult(k, ix, c, epi, base, gm, gn, v);
    });
  });
  finish(c, epi, launch);
  return true;
}

} // namespace dlc::gputile
