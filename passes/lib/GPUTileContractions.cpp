//===- GPUTileContractions.cpp - shared-memory tiled matrix products ------===//
//
// linalg.matmul and linalg.batch_matmul on f32 memrefs become a gpu.launch
// in which each block computes one tile of C: tileK-deep slices of A and B
// are staged in shared memory by all threads (coalesced along the
// contiguous dimension), a barrier, then every thread accumulates its
// threadM x threadN sub-tile in private memory (registers after
// unrolling), a barrier, next slice; finally C += the accumulators. Tile
// sizes come from the GPU cost model. Mixed-precision products (f16 or
// bf16 inputs widened to f32 in the payload) keep the narrow type in
// shared memory and widen each value as it is multiplied; the
// accumulators and C stay f32.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Contractions.h"
#include "dlc/Passes/GPUCostModel.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace dlc {
#define GEN_PASS_DEF_GPUTILECONTRACTIONS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The elementwise consumer of a product's result C, applied to the
/// accumulators before the store: C is a fresh buffer that only its fill,
/// the product, the consumer and deallocations use, the consumer reads it
/// through an identity map, writes its own output through one, computes
/// with arith / math on scalars only, and nothing with memory effects
/// runs between the product and it.
struct Epilogue {
  linalg::GenericOp op;
  linalg::FillOp fill;
  unsigned cInput = 0;
};

/// The buffer a memref views and the bytes it may touch there: the arena
/// view it comes from (through reshapes, subviews and casts) with that
/// view's constant offset and size, or an allocation as a whole.
struct Bytes {
  Value root;
  int64_t begin = 0, end = 0;
};
std::optional<Bytes> bytesOf(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::SubViewOp,
            memref::CastOp, memref::ReinterpretCastOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    break;
  }
  // An allocation, or a function argument (the model's inputs, outputs,
  // arena and weights are distinct buffers): whole.
  if (v.getDefiningOp<memref::AllocOp>() || isa<BlockArgument>(v))
    return Bytes{v, 0, INT64_MAX};
  if (auto view = v.getDefiningOp<memref::ViewOp>()) {
    auto shift = getConstantIntValue(view.getByteShift());
    auto t = view.getType();
    if (!shift || !t.hasStaticShape() || !t.getElementType().isIntOrFloat())
      return std::nullopt;
    int64_t size = t.getNumElements() *
                   std::max<int64_t>(1, t.getElementTypeBitWidth() / 8);
    return Bytes{view.getSource(), *shift, *shift + size};
  }
  return std::nullopt;
}

/// Whether `a` and `b` may share bytes (unknown counts as yes).
bool mayOverlap(Value a, Value b) {
  auto x = bytesOf(a), y = bytesOf(b);
  if (!x || !y)
    return true;
  if (x->root != y->root)
    return false;
  return x->begin < y->end && y->begin < x->end;
}

std::optional<Epilogue> findEpilogue(linalg::LinalgOp product, Value C) {
  // A buffer of its own (an allocation, or its place in the arena).
  if (!C.getDefiningOp<memref::AllocOp>() && !C.getDefiningOp<memref::ViewOp>())
    return std::nullopt;
  Epilogue e;
  for (OpOperand &use : C.getUses()) {
    Operation *u = use.getOwner();
    if (u == product.getOperation() || isa<memref::DeallocOp>(u))
      continue;
    if (auto f = dyn_cast<linalg::FillOp>(u);
        f && f.getOutputs()[0] == C && !e.fill) {
      e.fill = f;
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(u);
    if (!g || e.op || !g.hasPureBufferSemantics() || g.getNumDpsInits() != 1 ||
        g.getNumReductionLoops() != 0 || !g.isDpsInput(&use) ||
        llvm::count(g->getOperands(), C) != 1)
      return std::nullopt;
    e.op = g;
    e.cInput = use.getOperandNumber();
  }
  if (!e.op || !e.fill || e.op->getBlock() != product->getBlock() ||
      !product->isBeforeInBlock(e.op) || !e.fill->isBeforeInBlock(product))
    return std::nullopt;
  for (Operation *p = product->getNextNode(); p != e.op.getOperation();
       p = p->getNextNode())
    if (!isMemoryEffectFree(p) && !isa<memref::AllocOp>(p))
      return std::nullopt;
  SmallVector<AffineMap> maps = e.op.getIndexingMapsArray();
  if (!maps[e.cInput].isIdentity() || !maps.back().isIdentity())
    return std::nullopt;
  // The memory plan ran before this pass: the epilogue's output may have
  // been given the bytes of a product input that died at the product.
  // Fused, the product reads its inputs while the output is written.
  Value out = e.op.getDpsInits()[0];
  for (Value in : product.getDpsInputs())
    if (mayOverlap(out, in))
      return std::nullopt;
  for (Value v : e.op->getOperands()) {
    auto t = dyn_cast<MemRefType>(v.getType());
    if (!t || !t.hasStaticShape() || !t.getElementType().isIntOrFloat())
      return std::nullopt;
  }
  Block &body = e.op.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return std::nullopt;
  for (Operation &p : body.without_terminator()) {
    if (!isa<arith::ArithDialect, math::MathDialect>(p.getDialect()) ||
        p.getNumRegions() != 0)
      return std::nullopt;
    for (Type t : p.getResultTypes())
      if (!t.isIntOrFloat())
        return std::nullopt;
  }
  return e;
}

/// The element types a tiled operand may have: f32, or f16 / bf16 widened
/// to f32 when multiplied.
bool isTileElementType(Type t) { return t.isF32() || t.isF16() || t.isBF16(); }

struct Builder {
  OpBuilder &b;
  Location loc;
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, idx(y));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, idx(y));
  }
  Value lt(Value x, int64_t y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                                 idx(y));
  }
  Value band(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  /// for (iv = 0; iv < n; ++iv) body(iv)
  void loop(int64_t n, function_ref<void(Value)> body) {
    auto f = scf::ForOp::create(b, loc, idx(0), idx(n), idx(1));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(f.getBody()->getTerminator());
    body(f.getInductionVar());
  }
};

struct GPUTileContractionsPass
    : dlc::impl::GPUTileContractionsBase<GPUTileContractionsPass> {
  using GPUTileContractionsBase::GPUTileContractionsBase;

  /// Rewrites one contraction. Its loops are classified by the operands
  /// that use them: batch (A, B and C), M (A and C), N (B and C) and K
  /// (reductions, A and B); matmul, batched products and convolutions
  /// (implicit GEMM: M = batch x output pixels, N = output channels,
  /// K = input channels x kernel window) all fit. M, N and K are
  /// linearized (the last loop of each fastest) and the operands indexed
  /// through their indexing maps.
  LogicalResult tile(linalg::LinalgOp op) {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
      return success();
    Value A = op.getDpsInputs()[0], B = op.getDpsInputs()[1];
    Value C = op.getDpsInits()[0];
    auto at = dyn_cast<MemRefType>(A.getType());
    auto bt = dyn_cast<MemRefType>(B.getType());
    auto ct = dyn_cast<MemRefType>(C.getType());
    if (!at || !bt || !ct || !at.hasStaticShape() || !bt.hasStaticShape() ||
        !ct.hasStaticShape() || !isTileElementType(at.getElementType()) ||
        !isTileElementType(bt.getElementType()) || !ct.getElementType().isF32())
      return success(); // left to the per-thread mapping
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic) ||
        !maps[2].isProjectedPermutation())
      return success();
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    SmallVector<unsigned> batchDims, mDims, nDims, kDims;
    for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d) {
      bool inA = maps[0].isFunctionOfDim(d), inB = maps[1].isFunctionOfDim(d),
           inC = maps[2].isFunctionOfDim(d);
      bool reduction = iters[d] == utils::IteratorType::reduction;
      if (reduction && inA && inB && !inC)
        kDims.push_back(d);
      else if (!reduction && inA && inB && inC)
        batchDims.push_back(d);
      else if (!reduction && inA && !inB && inC)
        mDims.push_back(d);
      else if (!reduction && !inA && inB && inC)
        nDims.push_back(d);
      else if (ranges[d] != 1)
        return success(); // not a contraction this tiler understands
      else
        batchDims.push_back(d); // a unit loop: harmless anywhere
    }
    if (mDims.empty() || nDims.empty() || kDims.empty())
      return success();
    auto product = [&](ArrayRef<unsigned> dims) {
      int64_t n = 1;
      for (unsigned d : dims)
        n *= ranges[d];
      return n;
    };
    int64_t batch = product(batchDims), M = product(mDims),
            N = product(nDims), K = product(kDims);
    dlc::gpu::MatmulTiles t;
    if (!dlc::gpu::chooseMatmulTiles(M, N, K, t))
      return success();
    // grid.y and grid.z are limited to 65535 blocks.
    if ((M + t.tileM - 1) / t.tileM > 65535 || batch > 65535 ||
        (N + t.tileN - 1) / t.tileN > dlc::gpu::kMaxGridX)
      return success();
    int64_t threads = t.threads();
    int64_t colThreads = t.tileN / t.threadN;

    // With an epilogue the kernel runs where the epilogue was (its inputs
    // and output are defined there; nothing between touches memory).
    std::optional<Epilogue> epi =
        fuseEpilogues ? findEpilogue(op, C) : std::nullopt;
    OpBuilder ob(epi ? epi->op.getOperation() : op.getOperation());
    Builder h{ob, op.getLoc()};
    Location loc = op.getLoc();
    MLIRContext *ctx = ob.getContext();
    auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto priv = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Private);
    Type f32 = ob.getF32Type();
    // The tiles hold the inputs' own type (f16 / bf16: half the shared
    // memory and global traffic of f32).
    Type aElem = at.getElementType(), bElem = bt.getElementType();
    auto aTileType = MemRefType::get({t.tileK, t.tileM}, aElem,
                                     MemRefLayoutAttrInterface(), wg);
    auto bTileType = MemRefType::get({t.tileK, t.tileN}, bElem,
                                     MemRefLayoutAttrInterface(), wg);
    auto accType = MemRefType::get({t.threadM, t.threadN}, f32,
                                   MemRefLayoutAttrInterface(), priv);
    Value one = h.idx(1);
    auto launch = gpu::LaunchOp::create(
        ob, loc, h.idx((N + t.tileN - 1) / t.tileN),
        h.idx((M + t.tileM - 1) / t.tileM), h.idx(batch), h.idx(threads),
        one, one, /*dynamicSharedMemorySize=*/nullptr,
        /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{},
        TypeRange{aTileType, bTileType}, TypeRange{accType});
    OpBuilder b = OpBuilder::atBlockEnd(&launch.getBody().front());
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPoint(launch.getBody().front().getTerminator());
    Builder k{b, loc};
    Value As = launch.getWorkgroupAttributions()[0];
    Value Bs = launch.getWorkgroupAttributions()[1];
    Value acc = launch.getPrivateAttributions()[0];
    Value tid = launch.getThreadIds().x;
    Value bz = launch.getBlockIds().z;
    Value rowBase = k.mul(launch.getBlockIds().y, k.idx(t.tileM));
    Value colBase = k.mul(launch.getBlockIds().x, k.idx(t.tileN));
    Value tRow = k.mul(k.div(tid, colThreads), k.idx(t.threadM));
    Value tCol = k.mul(k.rem(tid, colThreads), k.idx(t.threadN));
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    auto zeroOf = [&](Type elem) -> Value {
      if (elem == f32)
        return zero;
      return arith::ConstantOp::create(b, loc, b.getFloatAttr(elem, 0.0));
    };
    Value aZero = zeroOf(aElem), bZero = zeroOf(bElem);
    // A tile value as an f32 factor.
    auto widen = [&](Value v) {
      return v.getType() == f32 ? v : arith::ExtFOp::create(b, loc, f32, v);
    };
    // Loop values: batch loops from blockIdx.z, M, N and K loops
    // delinearized from a linear index (the last loop fastest); loops an
    // operand does not use are 0.
    unsigned numLoops = op.getNumLoops();
    Value c0 = k.idx(0);
    auto delinearize = [&](ArrayRef<unsigned> dims, Value linear,
                           SmallVector<Value> &ivs) {
      Value rest = linear;
      for (int i = int(dims.size()) - 1; i >= 0; --i) {
        int64_t n = ranges[dims[i]];
        ivs[dims[i]] = i > 0 ? k.rem(rest, n) : rest;
        if (i > 0)
          rest = k.div(rest, n);
      }
    };
    SmallVector<Value> base(numLoops, c0);
    delinearize(batchDims, bz, base);
    auto apply = [&](AffineMap map, ArrayRef<Value> ivs) {
      SmallVector<Value> idx;
      for (unsigned i = 0; i < map.getNumResults(); ++i)
        idx.push_back(affine::AffineApplyOp::create(b, loc, map.getSubMap({i}),
                                                    ivs));
      return idx;
    };
    k.loop(t.threadM, [&](Value i) {
      k.loop(t.threadN, [&](Value j) {
        memref::StoreOp::create(b, loc, zero, acc, ValueRange{i, j});
      });
    });
    auto kLoop = scf::ForOp::create(b, loc, k.idx(0), k.idx(K),
                                    k.idx(t.tileK));
    // Keep the K loop rolled: unrolled, every step's global loads are
    // hoisted and the registers run out (each step already unrolls its
    // staging and its tileK x threadM x threadN multiply-adds).
    kLoop->setAttr("loop_annotation",
                   LLVM::LoopAnnotationAttr::get(
                       ctx, /*disableNonforced=*/{}, /*vectorize=*/{},
                       /*interleave=*/{},
                       LLVM::LoopUnrollAttr::get(ctx, b.getBoolAttr(true), {},
                                                 {}, {}, {}, {}, {}),
                       {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(kLoop.getBody()->getTerminator());
      Value k0 = kLoop.getInductionVar();
      // Stage A (tileM x tileK, read along k) and B (tileK x tileN, read
      // along n): consecutive threads read consecutive addresses.
      // Consecutive threads take consecutive elements along the tile
      // dimension that the operand's innermost index follows (A[m][k] and
      // B[k][n] along the columns; convolution weights [f][c][kh][kw] along
      // K, the rows of the B tile), so that a warp reads contiguous memory.
      auto innermostFollows = [&](AffineMap map, ArrayRef<unsigned> dims) {
        AffineExpr last = map.getResult(map.getNumResults() - 1);
        return llvm::any_of(dims, [&](unsigned d) {
          return last.isFunctionOfDim(d);
        });
      };
      bool aAlongCols = !innermostFollows(maps[0], mDims) ||
                        innermostFollows(maps[0], kDims);
      bool bAlongCols = !innermostFollows(maps[1], kDims) ||
                        innermostFollows(maps[1], nDims);
      auto stage = [&](Value src, Value dst, int64_t rows, int64_t cols,
                       bool isA) {
        int64_t count = (rows * cols + threads - 1) / threads;
        bool alongCols = isA ? aAlongCols : bAlongCols;
        k.loop(count, [&](Value r) {
          Value e = k.add(tid, k.mul(r, k.idx(threads)));
          Value inTile = k.lt(e, rows * cols);
          Value row = alongCols ? k.div(e, cols) : k.rem(e, rows);
          Value col = alongCols ? k.rem(e, cols) : k.div(e, rows);
          // A: row = m, col = kk; B: row = kk, col = n.
          Value gRow = isA ? k.add(rowBase, row) : k.add(k0, row);
          Value gCol = isA ? k.add(k0, col) : k.add(colBase, col);
          Value valid = k.band(
              inTile, k.band(k.lt(gRow, isA ? M : K), k.lt(gCol, isA ? K : N)));
          Type elem = isA ? aElem : bElem;
          auto load = scf::IfOp::create(b, loc, TypeRange{elem}, valid, true);
          {
            OpBuilder::InsertionGuard g2(b);
            b.setInsertionPointToStart(load.thenBlock());
            SmallVector<Value> ivs(base);
            delinearize(isA ? ArrayRef<unsigned>(mDims) : ArrayRef<unsigned>(kDims),
                        gRow, ivs);
            delinearize(isA ? ArrayRef<unsigned>(kDims) : ArrayRef<unsigned>(nDims),
                        gCol, ivs);
            Value v = memref::LoadOp::create(b, loc, src,
                                             apply(isA ? maps[0] : maps[1], ivs));
            scf::YieldOp::create(b, loc, v);
            b.setInsertionPointToStart(load.elseBlock());
            scf::YieldOp::create(b, loc, isA ? aZero : bZero);
          }
          auto store = scf::IfOp::create(b, loc, inTile, false);
          OpBuilder::InsertionGuard g3(b);
          b.setInsertionPoint(store.thenBlock()->getTerminator());
          if (isA)
            memref::StoreOp::create(b, loc, load.getResult(0), dst,
                                    ValueRange{col, row});
          else
            memref::StoreOp::create(b, loc, load.getResult(0), dst,
                                    ValueRange{row, col});
        });
      };
      stage(A, As, t.tileM, t.tileK, true);
      stage(B, Bs, t.tileK, t.tileN, false);
      gpu::BarrierOp::create(b, loc);
      k.loop(t.tileK, [&](Value kk) {
        k.loop(t.threadM, [&](Value i) {
          Value a = widen(memref::LoadOp::create(
              b, loc, As, ValueRange{kk, k.add(tRow, i)}));
          k.loop(t.threadN, [&](Value j) {
            Value bv = widen(memref::LoadOp::create(
                b, loc, Bs, ValueRange{kk, k.add(tCol, j)}));
            Value c = memref::LoadOp::create(b, loc, acc, ValueRange{i, j});
            Value s = math::FmaOp::create(b, loc, a, bv, c);
            memref::StoreOp::create(b, loc, s, acc, ValueRange{i, j});
          });
        });
      });
      gpu::BarrierOp::create(b, loc);
    }
    // C += acc, guarded at the edges; with an epilogue, out = epilogue(fill
    // value + acc, its other inputs) instead, and C is never written.
    k.loop(t.threadM, [&](Value i) {
      k.loop(t.threadN, [&](Value j) {
        Value gm = k.add(k.add(rowBase, tRow), i);
        Value gn = k.add(k.add(colBase, tCol), j);
        auto inside =
            scf::IfOp::create(b, loc, k.band(k.lt(gm, M), k.lt(gn, N)), false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(inside.thenBlock()->getTerminator());
        SmallVector<Value> ivs(base);
        delinearize(mDims, gm, ivs);
        delinearize(nDims, gn, ivs);
        SmallVector<Value> idx = apply(maps[2], ivs);
        Value v = memref::LoadOp::create(b, loc, acc, ValueRange{i, j});
        if (!epi) {
          Value c = memref::LoadOp::create(b, loc, C, idx);
          memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, c, v),
                                  C, idx);
          return;
        }
        // The epilogue's space is C's (identity map): its inputs are read
        // at their maps of C's indices.
        Value val = arith::AddFOp::create(b, loc, epi->fill.getInputs()[0], v);
        SmallVector<AffineMap> emaps = epi->op.getIndexingMapsArray();
        Block &body = epi->op.getRegion().front();
        IRMapping map;
        for (auto [n, in] : llvm::enumerate(epi->op.getDpsInputs())) {
          if (n == epi->cInput) {
            map.map(body.getArgument(n), val);
            continue;
          }
          map.map(body.getArgument(n),
                  memref::LoadOp::create(b, loc, in, apply(emaps[n], idx)));
        }
        for (Operation &p : body.without_terminator())
          b.clone(p, map);
        Value out = map.lookupOrDefault(
            cast<linalg::YieldOp>(body.getTerminator()).getOperand(0));
        memref::StoreOp::create(b, loc, out, epi->op.getDpsInits()[0], idx);
      });
    });
    op->erase();
    if (epi) {
      launch->setLoc(
          FusedLoc::get(ctx, {launch->getLoc(), epi->op->getLoc()}));
      epi->op->erase();
      // C is only filled now: drop it.
      Operation *alloc = C.getDefiningOp();
      epi->fill->erase();
      for (Operation *u : llvm::make_early_inc_range(C.getUsers()))
        if (isa<memref::DeallocOp>(u))
          u->erase();
      if (alloc->use_empty())
        alloc->erase();
    }
    return success();
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() || op->getParentOfType<gpu::LaunchOp>())
        return;
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
          (generic && (dlc::isMulAddPayload(generic) ||
                       dlc::isWideningMulAddPayload(generic))))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      if (failed(tile(op)))
        return signalPassFailure();
  }
};

} // namespace
