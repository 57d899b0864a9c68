//===- Common.cpp - what the GPU product kernels share ---------------------===//
//
// See Common.h.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "dlc/Passes/GPUCostModel.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace dlc::gputile {

namespace {
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

} // namespace

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
static bool isTileElementType(Type t) {
  return t.isF32() || t.isF16() || t.isBF16();
}

std::optional<Contraction> classify(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  Contraction c;
  c.op = op;
  c.A = op.getDpsInputs()[0];
  c.B = op.getDpsInputs()[1];
  c.C = op.getDpsInits()[0];
  auto at = dyn_cast<MemRefType>(c.A.getType());
  auto bt = dyn_cast<MemRefType>(c.B.getType());
  auto ct = dyn_cast<MemRefType>(c.C.getType());
  if (!at || !bt || !ct || !at.hasStaticShape() || !bt.hasStaticShape() ||
      !ct.hasStaticShape() || !isTileElementType(at.getElementType()) ||
      !isTileElementType(bt.getElementType()) || !ct.getElementType().isF32())
    return std::nullopt;
  c.aElem = at.getElementType();
  c.bElem = bt.getElementType();
  c.maps = op.getIndexingMapsArray();
  c.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(c.ranges, ShapedType::isDynamic) ||
      !c.maps[2].isProjectedPermutation())
    return std::nullopt;
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d) {
    bool inA = c.maps[0].isFunctionOfDim(d), inB = c.maps[1].isFunctionOfDim(d),
         inC = c.maps[2].isFunctionOfDim(d);
    bool reduction = iters[d] == utils::IteratorType::reduction;
    if (reduction && inA && inB && !inC)
      c.kDims.push_back(d);
    else if (!reduction && inA && inB && inC)
      c.batchDims.push_back(d);
    else if (!reduction && inA && !inB && inC)
      c.mDims.push_back(d);
    else if (!reduction && !inA && inB && inC)
      c.nDims.push_back(d);
    else if (c.ranges[d] != 1)
      return std::nullopt; // not a contraction the tilers understand
    else
      c.batchDims.push_back(d); // a unit loop: harmless anywhere
  }
  if (c.mDims.empty() || c.nDims.empty() || c.kDims.empty())
    return std::nullopt;
  auto product = [&](ArrayRef<unsigned> dims) {
    int64_t n = 1;
    for (unsigned d : dims)
      n *= c.ranges[d];
    return n;
  };
  c.batch = product(c.batchDims);
  c.M = product(c.mDims);
  c.N = product(c.nDims);
  c.K = product(c.kDims);
  return c;
}

Value Builder::idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
Value Builder::add(Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value Builder::mul(Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y);
}
Value Builder::div(Value x, int64_t y) {
  return arith::DivUIOp::create(b, loc, x, idx(y));
}
Value Builder::rem(Value x, int64_t y) {
  return arith::RemUIOp::create(b, loc, x, idx(y));
}
Value Builder::lt(Value x, int64_t y) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, idx(y));
}
Value Builder::band(Value x, Value y) {
  return arith::AndIOp::create(b, loc, x, y);
}
void Builder::loop(int64_t n, function_ref<void(Value)> body) {
  auto f = scf::ForOp::create(b, loc, idx(0), idx(n), idx(1));
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(f.getBody()->getTerminator());
  body(f.getInductionVar());
}

void keepRolled(scf::ForOp loop) {
  MLIRContext *ctx = loop.getContext();
  OpBuilder b(ctx);
  loop->setAttr("loop_annotation",
                LLVM::LoopAnnotationAttr::get(
                    ctx, /*disableNonforced=*/{}, /*vectorize=*/{},
                    /*interleave=*/{},
                    LLVM::LoopUnrollAttr::get(ctx, b.getBoolAttr(true), {}, {},
                                              {}, {}, {}, {}),
                    {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}));
}

void Indexer::delinearize(ArrayRef<unsigned> dims, Value linear,
                          SmallVectorImpl<Value> &ivs) {
  Value rest = linear;
  for (int i = int(dims.size()) - 1; i >= 0; --i) {
    int64_t n = c.ranges[dims[i]];
    ivs[dims[i]] = i > 0 ? k.rem(rest, n) : rest;
    if (i > 0)
      rest = k.div(rest, n);
  }
}

SmallVector<Value> Indexer::apply(AffineMap map, ArrayRef<Value> ivs) {
  SmallVector<Value> idx;
  for (unsigned i = 0; i < map.getNumResults(); ++i)
    idx.push_back(
        affine::AffineApplyOp::create(k.b, k.loc, map.getSubMap({i}), ivs));
  return idx;
}

SmallVector<Value> Indexer::base(Value batchIndex) {
  linalg::LinalgOp op = c.op;
  SmallVector<Value> ivs(op.getNumLoops(), k.idx(0));
  delinearize(c.batchDims, batchIndex, ivs);
  return ivs;
}

void stageTile(Builder &k, Indexer &ix, const Contraction &c, Value src,
               bool isA, Value tid, int64_t threads, int64_t rows,
               int64_t cols, Value rowBase, Value colBase, Value k0,
               ArrayRef<Value> base, Value tileBuffer,
               function_ref<SmallVector<Value>(Value, Value)> dst) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  // Consecutive threads take consecutive elements along the tile
  // dimension that the operand's innermost index follows (A[m][k] and
  // B[k][n] along the columns; convolution weights [f][c][kh][kw] along
  // K, the rows of the B tile), so that a warp reads contiguous memory.
  auto innermostFollows = [&](AffineMap map, ArrayRef<unsigned> dims) {
    AffineExpr last = map.getResult(map.getNumResults() - 1);
    return llvm::any_of(dims,
                        [&](unsigned d) { return last.isFunctionOfDim(d); });
  };
  bool alongCols = isA ? (!innermostFollows(c.maps[0], c.mDims) ||
                          innermostFollows(c.maps[0], c.kDims))
                       : (!innermostFollows(c.maps[1], c.kDims) ||
                          innermostFollows(c.maps[1], c.nDims));
  Type elem = isA ? c.aElem : c.bElem;
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(elem, 0.0));
  int64_t count = (rows * cols + threads - 1) / threads;
  k.loop(count, [&](Value r) {
    Value e = k.add(tid, k.mul(r, k.idx(threads)));
    Value inTile = k.lt(e, rows * cols);
    Value row = alongCols ? k.div(e, cols) : k.rem(e, rows);
    Value col = alongCols ? k.rem(e, cols) : k.div(e, rows);
    // A: row = m, col = k; B: row = k, col = n.
    Value gRow = isA ? k.add(rowBase, row) : k.add(k0, row);
    Value gCol = isA ? k.add(k0, col) : k.add(colBase, col);
    Value valid = k.band(inTile, k.band(k.lt(gRow, isA ? c.M : c.K),
                                        k.lt(gCol, isA ? c.K : c.N)));
    auto load = scf::IfOp::create(b, loc, TypeRange{elem}, valid, true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(load.thenBlock());
      SmallVector<Value> ivs(base);
      ix.delinearize(isA ? ArrayRef<unsigned>(c.mDims)
                         : ArrayRef<unsigned>(c.kDims),
                     gRow, ivs);
      ix.delinearize(isA ? ArrayRef<unsigned>(c.kDims)
                         : ArrayRef<unsigned>(c.nDims),
                     gCol, ivs);
      Value v = memref::LoadOp::create(
          b, loc, src, ix.apply(isA ? c.maps[0] : c.maps[1], ivs));
      scf::YieldOp::create(b, loc, v);
      b.setInsertionPointToStart(load.elseBlock());
      scf::YieldOp::create(b, loc, zero);
    }
    auto store = scf::IfOp::create(b, loc, inTile, false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(store.thenBlock()->getTerminator());
    memref::StoreOp::create(b, loc, load.getResult(0), tileBuffer,
                            dst(row, col));
  });
}

void storeResult(Builder &k, Indexer &ix, const Contraction &c,
                 const std::optional<Epilogue> &epi, ArrayRef<Value> base,
                 Value gm, Value gn, Value v) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  auto inside =
      scf::IfOp::create(b, loc, k.band(k.lt(gm, c.M), k.lt(gn, c.N)), false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(inside.thenBlock()->getTerminator());
  SmallVector<Value> ivs(base);
  ix.delinearize(c.mDims, gm, ivs);
  ix.delinearize(c.nDims, gn, ivs);
  SmallVector<Value> idx = ix.apply(c.maps[2], ivs);
  if (!epi) {
    Value old = memref::LoadOp::create(b, loc, c.C, idx);
    memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, v), c.C,
                            idx);
    return;
  }
  // The epilogue's space is C's (identity map): its inputs are read at
  // their maps of C's indices.
  linalg::GenericOp eop = epi->op;
  linalg::FillOp fill = epi->fill;
  Value val = arith::AddFOp::create(b, loc, fill.getInputs()[0], v);
  SmallVector<AffineMap> emaps = eop.getIndexingMapsArray();
  Block &body = eop.getRegion().front();
  IRMapping map;
  for (auto [n, in] : llvm::enumerate(eop.getDpsInputs())) {
    if (n == epi->cInput) {
      map.map(body.getArgument(n), val);
      continue;
    }
    map.map(body.getArgument(n),
            memref::LoadOp::create(b, loc, in, ix.apply(emaps[n], idx)));
  }
  for (Operation &p : body.without_terminator())
    b.clone(p, map);
  Value out = map.lookupOrDefault(
      cast<linalg::YieldOp>(body.getTerminator()).getOperand(0));
  memref::StoreOp::create(b, loc, out, eop.getDpsInits()[0], idx);
}

bool hasHalfInputs(const Contraction &c) {
  return c.aElem == c.bElem && (c.aElem.isF16() || c.aElem.isBF16());
}

bool gridFits(const Contraction &c, int64_t tileM, int64_t tileN) {
  return (c.M + tileM - 1) / tileM <= 65535 && c.batch <= 65535 &&
         (c.N + tileN - 1) / tileN <= dlc::gpu::kMaxGridX;
}

MemRefType workgroupBuffer(MLIRContext *ctx, ArrayRef<int64_t> shape,
                           Type element) {
  return MemRefType::get(
      shape, element, MemRefLayoutAttrInterface(),
      mlir::gpu::AddressSpaceAttr::get(ctx, mlir::gpu::AddressSpace::Workgroup));
}

MemRefType privateBuffer(MLIRContext *ctx, ArrayRef<int64_t> shape,
                         Type element) {
  return MemRefType::get(
      shape, element, MemRefLayoutAttrInterface(),
      mlir::gpu::AddressSpaceAttr::get(ctx, mlir::gpu::AddressSpace::Private));
}

mlir::gpu::LaunchOp createProductLaunch(const Contraction &c, bool fuse,
                                  int64_t tileM, int64_t tileN,
                                  int64_t threads, TypeRange workgroup,
                                  TypeRange privates,
                                  std::optional<Epilogue> &epi) {
  linalg::LinalgOp product = c.op;
  epi = fuse ? findEpilogue(product, c.C) : std::nullopt;
  OpBuilder ob(epi ? epi->op.getOperation() : product.getOperation());
  Location loc = product.getLoc();
  Builder h{ob, loc};
  Value one = h.idx(1);
  auto launch = mlir::gpu::LaunchOp::create(
      ob, loc, h.idx((c.N + tileN - 1) / tileN),
      h.idx((c.M + tileM - 1) / tileM), h.idx(c.batch), h.idx(threads), one,
      one, /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, workgroup, privates);
  OpBuilder b = OpBuilder::atBlockEnd(&launch.getBody().front());
  mlir::gpu::TerminatorOp::create(b, loc);
  return launch;
}

void describeLaunch(mlir::gpu::LaunchOp launch, const Contraction &c,
                    StringRef strategy) {
  MLIRContext *ctx = launch.getContext();
  auto name = [](Type t) -> StringRef {
    return t.isF16() ? "fp16" : t.isBF16() ? "bf16" : "fp32";
  };
  launch->setAttr("dlc.kernel_kind", StringAttr::get(ctx, "product"));
  launch->setAttr("dlc.strategy", StringAttr::get(ctx, strategy));
  auto marked = c.op->getAttrOfType<StringAttr>("dlc.precision");
  launch->setAttr("dlc.precision",
                  marked && marked.getValue() == "tf32"
                      ? marked
                      : StringAttr::get(ctx, name(c.aElem)));
  int64_t flops = 2;
  for (int64_t v : {c.batch, c.M, c.N, c.K})
    flops = __builtin_mul_overflow(flops, v, &flops) ? INT64_MAX : flops;
  launch->setAttr("dlc.flops",
                  IntegerAttr::get(IntegerType::get(ctx, 64), flops));
}

void finish(const Contraction &c, std::optional<Epilogue> &epi,
            mlir::gpu::LaunchOp launch) {
  c.op->erase();
  if (!epi)
    return;
  launch->setLoc(FusedLoc::get(launch.getContext(),
                               {launch->getLoc(), epi->op->getLoc()}));
  epi->op->erase();
  // C is only filled now: drop it.
  Operation *alloc = c.C.getDefiningOp();
  epi->fill->erase();
  for (Operation *u : llvm::make_early_inc_range(c.C.getUsers()))
    if (isa<memref::DeallocOp>(u))
      u->erase();
  if (alloc->use_empty())
    alloc->erase();
}

} // namespace dlc::gputile
