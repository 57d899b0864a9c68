//===- GPUTileContractions.cpp - shared-memory tiled matrix products ------===//
//
// linalg.matmul and linalg.batch_matmul on f32 memrefs become a gpu.launch
// in which each block computes one tile of C: tileK-deep slices of A and B
// are staged in shared memory by all threads (coalesced along the
// contiguous dimension), a barrier, then every thread accumulates its
// threadM x threadN sub-tile in private memory (registers after
// unrolling), a barrier, next slice; finally C += the accumulators. Tile
// sizes come from the GPU cost model.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/GPUCostModel.h"
#include "dlc/Passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_GPUTILECONTRACTIONS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

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

  /// Whether the payload is C += A * B on f32.
  static bool isMulAdd(linalg::GenericOp op) {
    Block &body = op.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    if (yield.getNumOperands() != 1 || body.getOperations().size() != 3)
      return false;
    auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
    if (!add)
      return false;
    Value out = body.getArgument(2);
    Value other = add.getLhs() == out ? add.getRhs()
                  : add.getRhs() == out ? add.getLhs()
                                        : Value();
    auto mul = other ? other.getDefiningOp<arith::MulFOp>() : nullptr;
    if (!mul)
      return false;
    Value a = body.getArgument(0), b = body.getArgument(1);
    return (mul.getLhs() == a && mul.getRhs() == b) ||
           (mul.getLhs() == b && mul.getRhs() == a);
  }

  /// Rewrites one product C[batch..., m, n] += A[..., m, k] * B[..., k, n]
  /// with loops (batch..., m, n, k): A's and B's leading indices are batch
  /// loops or constants (broadcasting).
  LogicalResult tile(linalg::LinalgOp op) {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
      return success();
    Value A = op.getDpsInputs()[0], B = op.getDpsInputs()[1];
    Value C = op.getDpsInits()[0];
    auto at = dyn_cast<MemRefType>(A.getType());
    auto bt = dyn_cast<MemRefType>(B.getType());
    auto ct = dyn_cast<MemRefType>(C.getType());
    if (!at || !bt || !ct || !at.hasStaticShape() || !bt.hasStaticShape() ||
        !ct.hasStaticShape() || !at.getElementType().isF32() ||
        !bt.getElementType().isF32() || !ct.getElementType().isF32())
      return success(); // left to the per-thread mapping
    unsigned loops = op.getNumLoops();
    if (loops < 3 || op.getNumReductionLoops() != 1 ||
        op.getIteratorTypesArray().back() != utils::IteratorType::reduction)
      return success();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    unsigned nb = loops - 3, dm = loops - 3, dn = loops - 2, dk = loops - 1;
    // C: identity over (batch..., m, n).
    if (maps[2].getNumResults() != loops - 1 ||
        !llvm::all_of(llvm::seq<unsigned>(0, loops - 1), [&](unsigned i) {
          return maps[2].getResult(i) == getAffineDimExpr(i, op.getContext());
        }))
      return success();
    auto operandOk = [&](AffineMap map, unsigned row, unsigned col) {
      unsigned r = map.getNumResults();
      if (r < 2 || map.getResult(r - 2) != getAffineDimExpr(row, map.getContext()) ||
          map.getResult(r - 1) != getAffineDimExpr(col, map.getContext()))
        return false;
      for (unsigned i = 0; i + 2 < r; ++i) {
        AffineExpr e = map.getResult(i);
        auto d = dyn_cast<AffineDimExpr>(e);
        if (!(d && d.getPosition() < nb) && !isa<AffineConstantExpr>(e))
          return false;
      }
      return true;
    };
    if (!operandOk(maps[0], dm, dk) || !operandOk(maps[1], dk, dn))
      return success();
    (void)dm;
    SmallVector<int64_t> batchSizes(ct.getShape().begin(),
                                    ct.getShape().begin() + nb);
    int64_t batch = 1;
    for (int64_t s : batchSizes)
      batch *= s;
    int64_t M = ct.getDimSize(nb), N = ct.getDimSize(nb + 1),
            K = at.getDimSize(at.getRank() - 1);
    dlc::gpu::MatmulTiles t;
    if (!dlc::gpu::chooseMatmulTiles(M, N, K, t))
      return success();
    int64_t threads = t.threads();
    int64_t colThreads = t.tileN / t.threadN;

    OpBuilder ob(op);
    Builder h{ob, op.getLoc()};
    Location loc = op.getLoc();
    MLIRContext *ctx = ob.getContext();
    auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto priv = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Private);
    Type f32 = ob.getF32Type();
    auto aTileType = MemRefType::get({t.tileK, t.tileM}, f32,
                                     MemRefLayoutAttrInterface(), wg);
    auto bTileType = MemRefType::get({t.tileK, t.tileN}, f32,
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
    // The batch loops, from blockIdx.z (the last batch loop fastest).
    SmallVector<Value> batchIvs(nb);
    {
      Value rest = bz;
      for (int d = int(nb) - 1; d >= 0; --d) {
        batchIvs[d] = d > 0 ? k.rem(rest, batchSizes[d]) : rest;
        if (d > 0)
          rest = k.div(rest, batchSizes[d]);
      }
    }
    // Indices of an operand from its map: batch loops or constants, then
    // (row, col).
    auto indicesOf = [&](AffineMap map, Value r,
                         Value c) -> SmallVector<Value> {
      SmallVector<Value> idx;
      for (unsigned i = 0; i + 2 < map.getNumResults(); ++i) {
        AffineExpr e = map.getResult(i);
        if (auto d = dyn_cast<AffineDimExpr>(e))
          idx.push_back(batchIvs[d.getPosition()]);
        else
          idx.push_back(k.idx(cast<AffineConstantExpr>(e).getValue()));
      }
      idx.push_back(r);
      idx.push_back(c);
      return idx;
    };

    k.loop(t.threadM, [&](Value i) {
      k.loop(t.threadN, [&](Value j) {
        memref::StoreOp::create(b, loc, zero, acc, ValueRange{i, j});
      });
    });
    auto kLoop = scf::ForOp::create(b, loc, k.idx(0), k.idx(K),
                                    k.idx(t.tileK));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(kLoop.getBody()->getTerminator());
      Value k0 = kLoop.getInductionVar();
      // Stage A (tileM x tileK, read along k) and B (tileK x tileN, read
      // along n): consecutive threads read consecutive addresses.
      auto stage = [&](Value src, Value dst, int64_t rows, int64_t cols,
                       bool isA) {
        int64_t count = (rows * cols + threads - 1) / threads;
        k.loop(count, [&](Value r) {
          Value e = k.add(tid, k.mul(r, k.idx(threads)));
          Value inTile = k.lt(e, rows * cols);
          Value row = k.div(e, cols), col = k.rem(e, cols);
          // A: row = m, col = kk; B: row = kk, col = n.
          Value gRow = isA ? k.add(rowBase, row) : k.add(k0, row);
          Value gCol = isA ? k.add(k0, col) : k.add(colBase, col);
          Value valid = k.band(
              inTile, k.band(k.lt(gRow, isA ? M : K), k.lt(gCol, isA ? K : N)));
          auto load = scf::IfOp::create(b, loc, TypeRange{f32}, valid, true);
          {
            OpBuilder::InsertionGuard g2(b);
            b.setInsertionPointToStart(load.thenBlock());
            Value v = memref::LoadOp::create(
                b, loc, src, indicesOf(isA ? maps[0] : maps[1], gRow, gCol));
            scf::YieldOp::create(b, loc, v);
            b.setInsertionPointToStart(load.elseBlock());
            scf::YieldOp::create(b, loc, zero);
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
          Value a = memref::LoadOp::create(b, loc, As,
                                           ValueRange{kk, k.add(tRow, i)});
          k.loop(t.threadN, [&](Value j) {
            Value bv = memref::LoadOp::create(b, loc, Bs,
                                              ValueRange{kk, k.add(tCol, j)});
            Value c = memref::LoadOp::create(b, loc, acc, ValueRange{i, j});
            Value s = math::FmaOp::create(b, loc, a, bv, c);
            memref::StoreOp::create(b, loc, s, acc, ValueRange{i, j});
          });
        });
      });
      gpu::BarrierOp::create(b, loc);
    }
    // C += acc, guarded at the edges.
    k.loop(t.threadM, [&](Value i) {
      k.loop(t.threadN, [&](Value j) {
        Value gm = k.add(k.add(rowBase, tRow), i);
        Value gn = k.add(k.add(colBase, tCol), j);
        auto inside =
            scf::IfOp::create(b, loc, k.band(k.lt(gm, M), k.lt(gn, N)), false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(inside.thenBlock()->getTerminator());
        SmallVector<Value> idx = batchIvs;
        idx.push_back(gm);
        idx.push_back(gn);
        Value c = memref::LoadOp::create(b, loc, C, idx);
        Value v = memref::LoadOp::create(b, loc, acc, ValueRange{i, j});
        memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, c, v),
                                C, idx);
      });
    });
    op->erase();
    return success();
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() || op->getParentOfType<gpu::LaunchOp>())
        return;
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
          (generic && isMulAdd(generic)))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      if (failed(tile(op)))
        return signalPassFailure();
  }
};

} // namespace
