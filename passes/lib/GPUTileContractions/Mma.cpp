//===- Mma.cpp - tensor-core matrix products (mma.sync m16n8k16) ----------===//
//
// One block computes a tileM x tileN tile of C with warpsM x warpsN warps;
// each warp owns a (tileM/warpsM) x (tileN/warpsN) sub-tile made of 16x8
// accumulator fragments (four f32 a lane, in the lane layout of mma.sync:
// row lane/4 (+8), columns 2*(lane%4) and +1). Per tileK-deep slice:
//
//   A slice [tileM][tileK + 8] and B slice ([tileK][tileN + 8], or
//   [tileN][tileK + 8] when B is contiguous along K) in workgroup memory;
//   the 8-element row padding puts the eight 16-byte rows an ldmatrix
//   reads in distinct banks.
//   staging: with `stages` > 1 (3, or 2 where three do not fit the 48 KiB
//   of static workgroup memory), 16-byte cp.async copies of the slice
//   stages - 1 ahead are issued before the current one is computed
//   (zero-filled outside the matrices); otherwise coalesced element loads,
//   then a barrier.
//   per 16-deep step: ldmatrix.x4 for each 16x16 A fragment, ldmatrix.x4
//   (.trans when B is [k][n]) for each pair of 16x8 B fragments, and one
//   mma.sync m16n8k16 per accumulator fragment.
//
// The accumulators live in private memory with constant indices only (the
// code is unrolled), which LLVM keeps in registers. At the end the
// epilogue (bias, activation, residual) is applied to them and stored.
// gpu-emu runs this same kernel: dlc-gpu-launch-to-loops emulates ldmatrix
// and mma.sync with the hardware's per-lane fragment layouts.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "dlc/Passes/GPUCostModel.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace dlc::gputile {

namespace {

/// Whether `v` is (through reshapes) a graph input or output, or a
/// whole-buffer view of the arena or the weights blob at a 16-byte aligned
/// offset: the runtime allocates the arena and weights with at least
/// 256-byte alignment and dlc_model_run_device refuses tensors that are
/// not 16-byte aligned, so 16-byte chunks of `v` are aligned when its row
/// length is a multiple of 16 bytes.
bool isAlignedView(Value v) {
  if (isa<BlockArgument>(v))
    return isa<func::FuncOp>(v.getParentBlock()->getParentOp());
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def)) {
      v = def->getOperand(0);
      if (isa<BlockArgument>(v))
        return isa<func::FuncOp>(v.getParentBlock()->getParentOp());
      continue;
    }
    auto view = dyn_cast<memref::ViewOp>(def);
    if (!view)
      return false;
    auto shift = getConstantIntValue(view.getByteShift());
    return shift && *shift % 16 == 0;
  }
  return false;
}

/// Whether operand `which` (0: A, 1: B) can be staged by 16-byte copies of
/// `chunk` elements along its loops `inner`: its last index is exactly the
/// last of those loops, whose range is a multiple of `chunk`, and its
/// memory is contiguous and aligned with rows of a multiple of `chunk`.
bool copiesAlong(const Contraction &c, unsigned which,
                 ArrayRef<unsigned> inner, int64_t chunk) {
  Value v = which == 0 ? c.A : c.B;
  auto type = cast<MemRefType>(v.getType());
  AffineMap map = c.maps[which];
  auto last = dyn_cast<AffineDimExpr>(map.getResult(map.getNumResults() - 1));
  if (!last || last.getPosition() != inner.back() ||
      c.ranges[inner.back()] % chunk != 0)
    return false;
  // The other indices must not move along the same loop.
  for (unsigned i = 0; i + 1 < map.getNumResults(); ++i)
    if (map.getResult(i).isFunctionOfDim(inner.back()))
      return false;
  return type.getLayout().isIdentity() &&
         type.getShape().back() % chunk == 0 &&
         isAlignedView(v);
}

/// Whether B's memory follows K (a [N][K] weight, e.g. Gemm's transB).
bool bFollowsK(const Contraction &c) {
  AffineExpr last = c.maps[1].getResult(c.maps[1].getNumResults() - 1);
  return llvm::any_of(c.kDims,
                      [&](unsigned d) { return last.isFunctionOfDim(d); });
}

class MmaKernel {
public:
  MmaKernel(Contraction &c, const dlc::gpu::MmaTiles &tiles,
            bool fuseEpilogues)
      : c(c), t(tiles), fuse(fuseEpilogues) {
    tf32 = c.aElem.isF32();
    // f32 slices are twice the bytes: 16-deep keeps two stages of 128x128
    // within the 48 KiB of static workgroup memory.
    if (tf32)
      t.tileK = 16;
    chunk = tf32 ? 4 : 8;
  }

  void build() {
    bKInner = bFollowsK(c);
    bool aCopies = copiesAlong(c, 0, c.kDims, chunk) && c.K % chunk == 0;
    bool bCopies = bKInner
                       ? copiesAlong(c, 1, c.kDims, chunk) && c.K % chunk == 0
                       : copiesAlong(c, 1, c.nDims, chunk) && c.N % chunk == 0;
    // Every thread copies whole rounds of chunks (the tiles are multiples
    // of 16: always so for the cost model's shapes).
    auto whole = [&](int64_t rows, int64_t cols) {
      return rows * cols / chunk % t.threads() == 0;
    };
    stages = aCopies && bCopies && whole(t.tileM, t.tileK) &&
                     whole(t.tileK, t.tileN)
                 ? t.stages
                 : 1;
    // As many stages as the cost model asks for and the 48 KiB of static
    // workgroup memory hold (128x128 fp16: 2; 64x64: 3).
    int64_t elementBytes = tf32 ? 4 : 2;
    int64_t perStage =
        (t.tileM * (t.tileK + (tf32 ? 4 : dlc::gpu::MmaTiles::kPad)) +
         (bFollowsK(c) ? t.tileN * (t.tileK + (tf32 ? 4 : 8))
                       : t.tileK * (t.tileN + 8))) *
        elementBytes;
    while (stages > 2 && stages * perStage > dlc::gpu::kStaticSharedBytes)
      --stages;

    MLIRContext *ctx = c.op->getContext();
    Location loc = c.op.getLoc();
    Type f32 = Float32Type::get(ctx);
    mi = t.warpTileM() / 16;
    nj = t.warpTileN() / 8;
    // Row padding: 16 bytes after rows along K (fp16: the eight rows of an
    // ldmatrix in distinct banks; tf32: lane (g, t) at bank 20g + t of a
    // 16-deep slice), 8 elements after [k][n] rows (tf32: bank 8t + g).
    int64_t pad = dlc::gpu::MmaTiles::kPad;
    int64_t kPad = tf32 ? 4 : pad;
    aTile = {t.tileM, t.tileK + kPad};
    bTile = bKInner ? SmallVector<int64_t>{t.tileN, t.tileK + kPad}
                    : SmallVector<int64_t>{t.tileK, t.tileN + pad};
    SmallVector<Type> privates{privateBuffer(ctx, {mi, nj, 2, 2}, f32)};
    if (tf32)
      privates.push_back(privateBuffer(ctx, {mi * 4 + nj * 2}, f32));
    std::optional<Epilogue> epi;
    launch = createProductLaunch(
        c, fuse, t.tileM, t.tileN, t.threads(),
        TypeRange{workgroupBuffer(ctx, {stages, aTile[0], aTile[1]}, c.aElem),
                  workgroupBuffer(ctx, {stages, bTile[0], bTile[1]}, c.bElem)},
        privates, epi);
    launch->setAttr("dlc.tensor_cores", StringAttr::get(ctx, "mma.sync"));
    describeLaunch(
        launch, c,
        llvm::formatv("tensor cores: mma.sync {0}, {1}x{2} "
                      "tiles, {3}x{4} warps of {5}x{6}, {7}-deep slices, "
                      "{8}, {9}",
                      tf32 ? "m16n8k8 f32 += tf32"
                      : c.aElem.isF16() ? "m16n8k16 f32 += f16"
                                        : "m16n8k16 f32 += bf16",
                      t.tileM, t.tileN,
                      t.warpsM, t.warpsN, t.warpTileM(), t.warpTileN(),
                      t.tileK,
                      stages > 1
                          ? std::to_string(stages) + "-stage cp.async pipeline"
                          : std::string("staged by element loads"),
                      tf32      ? "fragments by lane loads"
                      : bKInner ? "ldmatrix"
                                : "ldmatrix (.trans for B)")
            .str());
    OpBuilder b(launch.getBody().front().getTerminator());
    Builder k{b, loc};
    Indexer ix(c, k);
    kb = &k;
    ixp = &ix;
    As = launch.getWorkgroupAttributions()[0];
    Bs = launch.getWorkgroupAttributions()[1];
    acc = launch.getPrivateAttributions()[0];
    if (tf32)
      regs = launch.getPrivateAttributions()[1];
    tid = launch.getThreadIds().x;
    Value warp = k.div(tid, dlc::gpu::kWarpSize);
    lane = k.rem(tid, dlc::gpu::kWarpSize);
    warpRow = k.mul(k.div(warp, t.warpsN), k.idx(t.warpTileM()));
    warpCol = k.mul(k.rem(warp, t.warpsN), k.idx(t.warpTileN()));
    rowBase = k.mul(launch.getBlockIds().y, k.idx(t.tileM));
    colBase = k.mul(launch.getBlockIds().x, k.idx(t.tileN));
    base = ix.base(launch.getBlockIds().z);

    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    forEachAccumulator([&](ValueRange at) {
      memref::StoreOp::create(b, loc, zero, acc, at);
    });
    int64_t slices = (c.K + t.tileK - 1) / t.tileK;
    if (stages == 1) {
      auto loop = scf::ForOp::create(b, loc, k.idx(0), k.idx(slices), k.idx(1));
      keepRolled(loop);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      Value k0 = k.mul(loop.getInductionVar(), k.idx(t.tileK));
      Value s0 = k.idx(0);
      stageTile(k, ix, c, c.A, true, tid, t.threads(), t.tileM, t.tileK,
                rowBase, colBase, k0, base, As, [&](Value row, Value col) {
                  return SmallVector<Value>{s0, row, col};
                });
      stageTile(k, ix, c, c.B, false, tid, t.threads(), t.tileK, t.tileN,
                rowBase, colBase, k0, base, Bs, [&](Value row, Value col) {
                  return bKInner ? SmallVector<Value>{s0, col, row}
                                 : SmallVector<Value>{s0, row, col};
                });
      mlir::gpu::BarrierOp::create(b, loc);
      compute(s0);
      mlir::gpu::BarrierOp::create(b, loc);
    } else {
      // `stages` deep: slice s + stages - 1 is copied while slice s is
      // computed, into the stage slice s - 1 used (done: the barrier after
      // its compute). Every iteration commits one group (past K the copies
      // are all zero-filled), so waiting for all but stages - 1 groups
      // means slice s has landed.
      Value first = issueCopies(k.idx(0), k.idx(0));
      for (int64_t p = 1; p + 1 < stages; ++p)
        issueCopies(k.idx(p * t.tileK), k.idx(p));
      auto loop = scf::ForOp::create(b, loc, k.idx(0), k.idx(slices), k.idx(1));
      keepRolled(loop);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      Value s = loop.getInductionVar();
      Value next = k.add(s, k.idx(stages - 1));
      Value group =
          issueCopies(k.mul(next, k.idx(t.tileK)), k.rem(next, stages));
      nvgpu::DeviceAsyncWaitOp::create(b, loc, TypeRange{}, group,
                                       b.getI32IntegerAttr(stages - 1));
      mlir::gpu::BarrierOp::create(b, loc);
      compute(k.rem(s, stages));
      mlir::gpu::BarrierOp::create(b, loc);
      // The last group (zero-filled copies past K) completes before the
      // kernel ends.
      b.setInsertionPointAfter(loop);
      nvgpu::DeviceAsyncWaitOp::create(b, loc, TypeRange{}, first,
                                       b.getI32IntegerAttr(0));
    }
    // The results: fragment element (r, e) of lane l is row l/4 + 8r,
    // column 2 (l % 4) + e of its 16x8 tile.
    Value laneRow = k.div(lane, 4);
    Value laneCol = k.mul(k.rem(lane, 4), k.idx(2));
    for (int64_t i = 0; i < mi; ++i)
      for (int64_t j = 0; j < nj; ++j)
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t e = 0; e < 2; ++e) {
            Value gm = k.add(k.add(rowBase, warpRow),
                             k.add(laneRow, k.idx(i * 16 + r * 8)));
            Value gn = k.add(k.add(colBase, warpCol),
                             k.add(laneCol, k.idx(j * 8 + e)));
            Value v = memref::LoadOp::create(
                b, loc, acc,
                ValueRange{k.idx(i), k.idx(j), k.idx(r), k.idx(e)});
            storeResult(k, ix, c, epi, base, gm, gn, v);
          }
    finish(c, epi, launch);
  }

private:
  Contraction &c;
  dlc::gpu::MmaTiles t;
  bool fuse;
  bool bKInner = false;
  /// f32 inputs on tf32 tensor cores (m16n8k8, no ldmatrix).
  bool tf32 = false;
  /// Elements per 16-byte copy.
  int64_t chunk = 8;
  int64_t stages = 1, mi = 1, nj = 1;
  SmallVector<int64_t> aTile, bTile;
  mlir::gpu::LaunchOp launch;
  Builder *kb = nullptr;
  Indexer *ixp = nullptr;
  Value As, Bs, acc, tid, lane, warpRow, warpCol, rowBase, colBase;
  /// tf32: the lane's fragment registers of one 8-deep step (A's then
  /// B's), in private memory with constant indices like the accumulators:
  /// registers on the GPU, per-thread slots in gpu-emu, where a value
  /// loaded before one mma.sync and used by a later one must not cross the
  /// emulation's phases in SSA form.
  Value regs;
  SmallVector<Value> base;

  void forEachAccumulator(function_ref<void(ValueRange)> fn) {
    Builder &k = *kb;
    for (int64_t i = 0; i < mi; ++i)
      for (int64_t j = 0; j < nj; ++j)
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t e = 0; e < 2; ++e)
            fn(ValueRange{k.idx(i), k.idx(j), k.idx(r), k.idx(e)});
  }

  /// The 16-byte copies of the slice at K offset `k0` into stage `stage`
  /// of both tiles, as one group; its token.
  Value issueCopies(Value k0, Value stage) {
    Builder &k = *kb;
    SmallVector<Value> tokens;
    // A: rows m, chunks along k. B: rows n, chunks along k, or rows k,
    // chunks along n.
    copyChunks(true, t.tileM, t.tileK, k0, stage, tokens);
    if (bKInner)
      copyChunks(false, t.tileN, t.tileK, k0, stage, tokens);
    else
      copyChunks(false, t.tileK, t.tileN, k0, stage, tokens);
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(k.b.getContext());
    return nvgpu::DeviceAsyncCreateGroupOp::create(k.b, k.loc, tokenType,
                                                   tokens);
  }

  /// Copies a rows x cols tile of A or B (cols along the contiguous
  /// loops) in 8-element chunks, each thread `chunks / threads` of them
  /// (unrolled; a whole number). A chunk outside the matrix reads nothing (zero-filled
  /// from a clamped, valid address).
  void copyChunks(bool isA, int64_t rows, int64_t cols, Value k0, Value stage,
                  SmallVectorImpl<Value> &tokens) {
    Builder &k = *kb;
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t perRow = cols / chunk, chunks = rows * perRow;
    int64_t threads = t.threads();
    Value src = isA ? c.A : c.B;
    Value dst = isA ? As : Bs;
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    for (int64_t n = 0; n < (chunks + threads - 1) / threads; ++n) {
      Value e = k.add(tid, k.idx(n * threads));
      Value row = k.div(e, perRow);
      Value col = k.mul(k.rem(e, perRow), k.idx(chunk));
      // Global position: (m, k), (n, k) or (k, n).
      Value gRow, gCol;
      int64_t rowLimit, colLimit;
      ArrayRef<unsigned> rowDims, colDims;
      if (isA) {
        gRow = k.add(rowBase, row), gCol = k.add(k0, col);
        rowLimit = c.M, colLimit = c.K;
        rowDims = c.mDims, colDims = c.kDims;
      } else if (bKInner) {
        gRow = k.add(colBase, row), gCol = k.add(k0, col);
        rowLimit = c.N, colLimit = c.K;
        rowDims = c.nDims, colDims = c.kDims;
      } else {
        gRow = k.add(k0, row), gCol = k.add(colBase, col);
        rowLimit = c.K, colLimit = c.N;
        rowDims = c.kDims, colDims = c.nDims;
      }
      Value valid = k.band(k.lt(gRow, rowLimit), k.lt(gCol, colLimit));
      Value c0 = k.idx(0);
      gRow = arith::SelectOp::create(b, loc, valid, gRow, c0);
      gCol = arith::SelectOp::create(b, loc, valid, gCol, c0);
      SmallVector<Value> ivs(base);
      ixp->delinearize(rowDims, gRow, ivs);
      ixp->delinearize(colDims, gCol, ivs);
      SmallVector<Value> srcIdx = ixp->apply(c.maps[isA ? 0 : 1], ivs);
      Value count = arith::SelectOp::create(b, loc, valid, k.idx(chunk), c0);
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, dst, ValueRange{stage, row, col}, src, srcIdx,
          b.getIndexAttr(chunk), count, /*bypassL1=*/b.getUnitAttr()));
    }
  }

  /// The tf32 mma.sync m16n8k8 steps of one staged slice: lane l = 4g + q
  /// loads its own registers (A: rows g, g + 8 by columns q, q + 4; B: k
  /// = q, q + 4 at column g), as ldmatrix has no 32-bit form.
  void computeTf32(Value stage) {
    Builder &k = *kb;
    OpBuilder &b = k.b;
    Location loc = k.loc;
    Type f32 = b.getF32Type();
    auto zeros = [&](VectorType type) -> Value {
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(type, b.getZeroAttr(f32)));
    };
    auto aType = VectorType::get({4, 1}, f32), bType = VectorType::get({2, 1}, f32);
    auto accType = VectorType::get({2, 2}, f32);
    Value aZero = zeros(aType), bZero = zeros(bType), accZero = zeros(accType);
    Value g = k.div(lane, 4), q = k.rem(lane, 4);
    auto load = [&](Value tile, Value row, Value col) -> Value {
      return memref::LoadOp::create(b, loc, tile, ValueRange{stage, row, col});
    };
    // Each register rounded to tf32 (10 mantissa bits, to nearest, ties
    // away: cvt.rna.tf32.f32 as integer ops), as cuBLAS and cuDNN feed
    // the tensor cores; they would otherwise drop the low 13 bits, a bias
    // that grows through a network's layers.
    Type i32 = b.getI32Type();
    Value half = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0x1000));
    Value mask = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(static_cast<int32_t>(0xFFFFE000u)));
    auto keep = [&](Value v, int64_t slot) {
      Value bits = arith::BitcastOp::create(b, loc, i32, v);
      bits = arith::AndIOp::create(
          b, loc, arith::AddIOp::create(b, loc, bits, half), mask);
      memref::StoreOp::create(b, loc,
                              arith::BitcastOp::create(b, loc, f32, bits),
                              regs, ValueRange{k.idx(slot)});
    };
    for (int64_t kk = 0; kk < t.tileK; kk += 8) {
      for (int64_t i = 0; i < mi; ++i)
        for (int64_t r = 0; r < 4; ++r) {
          Value row = k.add(warpRow, k.add(g, k.idx(i * 16 + (r % 2) * 8)));
          Value col = k.add(q, k.idx(kk + (r / 2) * 4));
          keep(load(As, row, col), i * 4 + r);
        }
      for (int64_t j = 0; j < nj; ++j)
        for (int64_t r = 0; r < 2; ++r) {
          Value kIdx = k.add(q, k.idx(kk + r * 4));
          Value n = k.add(warpCol, k.add(g, k.idx(j * 8)));
          keep(bKInner ? load(Bs, n, kIdx) : load(Bs, kIdx, n),
               mi * 4 + j * 2 + r);
        }
      // A fragment from the registers kept at [first, first + count).
      auto fragment = [&](Value zero, int64_t first, int64_t count) {
        Value frag = zero;
        for (int64_t r = 0; r < count; ++r)
          frag = vector::InsertOp::create(
              b, loc,
              memref::LoadOp::create(b, loc, regs,
                                     ValueRange{k.idx(first + r)}),
              frag, ArrayRef<int64_t>{r, 0});
        return frag;
      };
      mmaAll([&](int64_t i) { return fragment(aZero, i * 4, 4); },
             [&](int64_t j) { return fragment(bZero, mi * 4 + j * 2, 2); },
             accZero, {16, 8, 8}, /*tf32Enabled=*/true);
    }
  }

  /// acc[i][j] = mma.sync(a(i), b(j), acc[i][j]) for every fragment; a
  /// and b give the operands (built right before each mma.sync).
  void mmaAll(function_ref<Value(int64_t)> a, function_ref<Value(int64_t)> bf,
              Value accZero, std::array<int64_t, 3> shape, bool tf32Enabled) {
    Builder &k = *kb;
    OpBuilder &b = k.b;
    Location loc = k.loc;
    for (int64_t i = 0; i < mi; ++i)
      for (int64_t j = 0; j < nj; ++j) {
        Value cv = accZero;
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t e = 0; e < 2; ++e)
            cv = vector::InsertOp::create(
                b, loc,
                memref::LoadOp::create(
                    b, loc, acc,
                    ValueRange{k.idx(i), k.idx(j), k.idx(r), k.idx(e)}),
                cv, ArrayRef<int64_t>{r, e});
        Value d = nvgpu::MmaSyncOp::create(b, loc, a(i), bf(j), cv, shape,
                                           tf32Enabled);
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t e = 0; e < 2; ++e)
            memref::StoreOp::create(
                b, loc,
                vector::ExtractOp::create(b, loc, d, ArrayRef<int64_t>{r, e}),
                acc, ValueRange{k.idx(i), k.idx(j), k.idx(r), k.idx(e)});
      }
  }

  /// The mma.sync steps of one staged slice.
  void compute(Value stage) {
    if (tf32)
      return computeTf32(stage);
    Builder &k = *kb;
    OpBuilder &b = k.b;
    Location loc = k.loc;
    Type elem = c.aElem;
    auto fragType = VectorType::get({4, 2}, elem);
    auto accType = VectorType::get({2, 2}, b.getF32Type());
    Value lane16 = k.rem(lane, 16), half = k.mul(k.div(lane, 16), k.idx(8));
    auto zeros = [&](VectorType type) -> Value {
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(
                      type, b.getZeroAttr(type.getElementType())));
    };
    Value bZero = zeros(VectorType::get({2, 2}, elem));
    Value accZero = zeros(accType);
    for (int64_t kk = 0; kk < t.tileK; kk += 16) {
      // A: lane l gives row l % 16, column (l / 16) * 8 of the 16x16
      // fragment; the four 8x8 matrices are a0..a3 of mma.sync.
      SmallVector<Value> a;
      for (int64_t i = 0; i < mi; ++i)
        a.push_back(nvgpu::LdMatrixOp::create(
            b, loc, fragType, As,
            ValueRange{stage, k.add(warpRow, k.add(lane16, k.idx(i * 16))),
                       k.add(half, k.idx(kk))},
            /*transpose=*/false, /*numTiles=*/4));
      // B: two 16x8 fragments per ldmatrix.x4 (registers 0-1: the first
      // n8 tile, 2-3: the second).
      SmallVector<Value> bf;
      for (int64_t p = 0; p < nj / 2; ++p) {
        Value frag;
        if (bKInner) {
          // [n][k]: lane l gives row (l % 8) + (l / 16) * 8, column
          // ((l / 8) % 2) * 8; no transpose.
          Value row = k.add(k.rem(lane, 8), half);
          Value col = k.mul(k.rem(k.div(lane, 8), 2), k.idx(8));
          frag = nvgpu::LdMatrixOp::create(
              b, loc, fragType, Bs,
              ValueRange{stage, k.add(warpCol, k.add(row, k.idx(p * 16))),
                         k.add(col, k.idx(kk))},
              false, 4);
        } else {
          // [k][n]: lane l gives row l % 16, column (l / 16) * 8,
          // transposed.
          frag = nvgpu::LdMatrixOp::create(
              b, loc, fragType, Bs,
              ValueRange{stage, k.add(lane16, k.idx(kk)),
                         k.add(warpCol, k.add(half, k.idx(p * 16)))},
              true, 4);
        }
        // (Rows moved by vector.extract / vector.insert: both lower to
        // LLVM for n-D vectors, unlike extract_strided_slice.)
        for (int64_t q = 0; q < 2; ++q) {
          Value part = bZero;
          for (int64_t r = 0; r < 2; ++r)
            part = vector::InsertOp::create(
                b, loc,
                vector::ExtractOp::create(b, loc, frag,
                                          ArrayRef<int64_t>{q * 2 + r}),
                part, ArrayRef<int64_t>{r});
          bf.push_back(part);
        }
      }
      mmaAll([&](int64_t i) { return a[i]; },
             [&](int64_t j) { return bf[j]; }, accZero, {16, 8, 16},
             /*tf32Enabled=*/false);
    }
  }
};

} // namespace

std::string mmaRefusal(const Contraction &c) {
  auto precision = c.op->getAttrOfType<StringAttr>("dlc.precision");
  bool tf32 = c.aElem.isF32() && c.bElem.isF32() && precision &&
              precision.getValue() == "tf32";
  if (!tf32 && !hasHalfInputs(c))
    return "inputs are not fp16, bf16 or tf32-marked fp32";
  dlc::gpu::MmaTiles t;
  if (!dlc::gpu::chooseMmaTiles(c.M, c.N, c.K, c.batch, t))
    return "empty";
  if (!gridFits(c, t.tileM, t.tileN))
    return "grid too large";
  return "";
}

void buildMmaKernel(Contraction &c, bool fuseEpilogues) {
  dlc::gpu::MmaTiles t;
  dlc::gpu::chooseMmaTiles(c.M, c.N, c.K, c.batch, t);
  MmaKernel(c, t, fuseEpilogues).build();
}

} // namespace dlc::gputile
