//===- CPUTileContractions.cpp - register-tiled, vectorized CPU products --===//
//
// Every f32 contraction on memrefs (matmul, batched and broadcast products,
// convolutions as implicit GEMM) becomes one CPU kernel:
//
//   parallel over tasks (batch x groups of N panels), on the thread pool
//     for each nr-wide panel of N
//       V panel: read in place when its nr columns are contiguous, else
//         gathered into a per-task [K][nr] buffer (zero beyond N); a
//         constant V (weights) is packed into [N/nr][K][nr] at compile time
//       for each mr-row tile of M
//         mr x nr accumulators in vector registers (nr/lanes vectors a row),
//         one k step = nr/lanes vector loads of V, mr broadcasts of S,
//         mr * nr/lanes FMAs; a constant S is packed into [M/mr][K][mr]
//         at compile time
//         the epilogue (the elementwise consumer: bias, activation,
//         residual add, cast) applied to the registers, then stored
//
// The loops of the op are classified by operand use as in the GPU tiler:
// batch (S, V, C), M (S, C), N (V, C), K (reductions). V is the input that
// shares C's innermost loop, so the vectors run along contiguous memory of
// C. Every operand offset is linear in the loops (affine maps over strided
// memrefs), so it splits into per-M, per-N and per-K parts; these become
// small constant tables, which also tell at compile time which panels are
// contiguous. Tile sizes come from CPUCostModel.h.
//
// The transform-dialect schedule of the MLIR 22 notes (pack, tile, vectorize,
// lower_contraction) was the first candidate; it needs sizes divisible by the
// tiles (masked vectorization failed to lower or ran at 4 GFLOP/s) and does
// not cover convolutions with windows, so the kernels are built here
// directly from vector ops instead.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/CPUCostModel.h"
#include "dlc/Passes/Contractions.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace dlc {
#define GEN_PASS_DEF_CPUTILECONTRACTIONS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// An element offset linear in the loops: cst + sum coef[d] * iv[d].
struct Linear {
  SmallVector<int64_t> coef;
  int64_t cst = 0;
};

bool addLinear(AffineExpr e, int64_t scale, Linear &l) {
  if (auto c = dyn_cast<AffineConstantExpr>(e)) {
    l.cst += scale * c.getValue();
    return true;
  }
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    l.coef[d.getPosition()] += scale;
    return true;
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return false;
  if (e.getKind() == AffineExprKind::Add)
    return addLinear(bin.getLHS(), scale, l) &&
           addLinear(bin.getRHS(), scale, l);
  if (e.getKind() == AffineExprKind::Mul) {
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
      return addLinear(bin.getLHS(), scale * c.getValue(), l);
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
      return addLinear(bin.getRHS(), scale * c.getValue(), l);
  }
  return false;
}

/// The offset of `map`'s element in a memref of `type`, or nothing when it
/// is not linear (mod, div, dynamic strides).
std::optional<Linear> linearOffset(AffineMap map, MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type.hasStaticShape() ||
      failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic) ||
      map.getNumResults() != strides.size())
    return std::nullopt;
  Linear l;
  l.coef.assign(map.getNumDims(), 0);
  l.cst = offset;
  for (auto [r, stride] : llvm::enumerate(strides))
    if (!addLinear(map.getResult(r), stride, l))
      return std::nullopt;
  return l;
}

/// One past the largest element offset a memref of `type` reaches.
int64_t extent(MemRefType type) {
  auto [strides, offset] = type.getStridesAndOffset();
  int64_t e = offset + 1;
  for (auto [size, stride] : llvm::zip(type.getShape(), strides))
    e += (size - 1) * stride;
  return e;
}

/// The part of `l` over `dims` at every linear index of those loops (the
/// last loop fastest).
SmallVector<int64_t> table(const Linear &l, ArrayRef<unsigned> dims,
                           ArrayRef<int64_t> ranges) {
  int64_t n = 1;
  for (unsigned d : dims)
    n *= ranges[d];
  SmallVector<int64_t> out(n);
  SmallVector<int64_t> iv(dims.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = 0;
    for (auto [j, d] : llvm::enumerate(dims))
      v += l.coef[d] * iv[j];
    out[i] = v;
    for (int j = int(dims.size()) - 1; j >= 0; --j) {
      if (++iv[j] < ranges[dims[j]])
        break;
      iv[j] = 0;
    }
  }
  return out;
}

/// The stride s when t[i] == i * s for every i.
std::optional<int64_t> linearStride(ArrayRef<int64_t> t) {
  int64_t s = t.size() > 1 ? t[1] - t[0] : 0;
  for (auto [i, v] : llvm::enumerate(t))
    if (v != int64_t(i) * s)
      return std::nullopt;
  return s;
}

/// Whether panel p (columns p*nr .. p*nr+nr-1) is full and contiguous in t.
bool contiguousPanel(ArrayRef<int64_t> t, int64_t p, int64_t nr) {
  int64_t n0 = p * nr;
  if (n0 + nr > int64_t(t.size()) || t[n0] < 0)
    return false;
  for (int64_t j = 0; j < nr; ++j)
    if (t[n0 + j] != t[n0] + j)
      return false;
  return true;
}

bool allN(const Linear &l, ArrayRef<unsigned> nDims, int64_t v) {
  return llvm::all_of(nDims, [&](unsigned d) { return l.coef[d] == v; });
}

/// Whether the payload is out + a * b (f32).
bool isMulAdd(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  return generic && dlc::isMulAddPayload(generic);
}

/// The dense f32 value of a constant global read by `v`, if any.
DenseElementsAttr constantValue(Value v, ModuleOp module) {
  auto get = v.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return nullptr;
  auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
  if (!global || !global.getConstant())
    return nullptr;
  auto value = dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr());
  if (!value || !value.getElementType().isF32())
    return nullptr;
  return value;
}

/// The elementwise consumer fused as the epilogue.
struct Epilogue {
  linalg::GenericOp op;
  Operation *view = nullptr; // collapse_shape of C read by op, if any
  unsigned cInput = 0;       // the input reading C
  AffineMap loopsToOut;      // contraction loops -> op's iteration space
};

struct Kernel; // defined below

struct CPUTileContractionsPass
    : dlc::impl::CPUTileContractionsBase<CPUTileContractionsPass> {
  using CPUTileContractionsBase::CPUTileContractionsBase;

  void runOnOperation() override;
  /// Builds the kernel of `op`; with `swap`, the vectors run along the
  /// other input (a constant), e.g. output channels of a convolution
  /// whose rows are short. With `cost`, only estimates its cycles.
  LogicalResult rewrite(linalg::LinalgOp op, int id, bool swap,
                        double *cost);
  std::optional<Epilogue> findEpilogue(linalg::LinalgOp op, Value C,
                                       ArrayRef<unsigned> loopsOfC);
};

//===----------------------------------------------------------------------===//
// Matching
//===----------------------------------------------------------------------===//

/// Every use of `v` and of the views of it.
void collectUses(Value v, SmallVectorImpl<OpOperand *> &uses) {
  for (OpOperand &use : v.getUses()) {
    uses.push_back(&use);
    if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp>(
            use.getOwner()))
      collectUses(use.getOwner()->getResult(0), uses);
  }
}

/// Whether `op` only allocates or has no memory effects (safe to move a
/// kernel across).
bool harmless(Operation *op) {
  if (isMemoryEffectFree(op))
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return false;
  SmallVector<MemoryEffects::EffectInstance> list;
  effects.getEffects(list);
  return llvm::all_of(list, [](const MemoryEffects::EffectInstance &e) {
    return isa<MemoryEffects::Allocate>(e.getEffect());
  });
}

/// The buffer a memref value views (through views, casts and reshapes).
Value rootBuffer(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def))
      v = view.getViewSource();
    else if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp,
                 memref::CastOp, memref::ReinterpretCastOp>(def))
      v = def->getOperand(0);
    else
      break;
  }
  return v;
}

/// Whether moving a kernel that reads `reads` and writes `writes` across
/// `op` changes what either sees: `op` writes one of them, or reads one the
/// kernel writes. Linalg ops and copies write their outputs; any other op
/// with memory effects counts as writing every buffer it uses.
bool conflicts(Operation *op, ArrayRef<Value> reads, ArrayRef<Value> writes) {
  auto rootsOf = [](ArrayRef<Value> values) {
    llvm::SmallPtrSet<Value, 8> roots;
    for (Value v : values)
      if (isa<MemRefType>(v.getType()))
        roots.insert(rootBuffer(v));
    return roots;
  };
  llvm::SmallPtrSet<Value, 8> ours = rootsOf(reads), written = rootsOf(writes);
  ours.insert(written.begin(), written.end());
  llvm::SetVector<Value> used;
  getUsedValuesDefinedAbove(op->getRegions(), used);
  used.insert(op->operand_begin(), op->operand_end());
  SmallVector<Value> opWrites;
  if (auto l = dyn_cast<linalg::LinalgOp>(op))
    opWrites.append(l.getDpsInits().begin(), l.getDpsInits().end());
  else if (auto copy = dyn_cast<memref::CopyOp>(op))
    opWrites.push_back(copy.getTarget());
  else
    opWrites.append(used.begin(), used.end());
  for (Value w : opWrites)
    if (isa<MemRefType>(w.getType()) && ours.contains(rootBuffer(w)))
      return true;
  return llvm::any_of(used, [&](Value v) {
    return isa<MemRefType>(v.getType()) && written.contains(rootBuffer(v));
  });
}

std::optional<Epilogue>
CPUTileContractionsPass::findEpilogue(linalg::LinalgOp op, Value C,
                                      ArrayRef<unsigned> loopsOfC) {
  if (!fuseEpilogues)
    return std::nullopt;
  // C's uses: its zero fill, the contraction, the consumer (maybe through
  // one collapse_shape) and deallocations; nothing else.
  SmallVector<OpOperand *> uses;
  collectUses(C, uses);
  Epilogue e;
  for (OpOperand *use : uses) {
    Operation *user = use->getOwner();
    if (user == op.getOperation() || isa<memref::DeallocOp>(user))
      continue;
    if (auto fill = dyn_cast<linalg::FillOp>(user))
      if (fill.getOutputs()[0] == C)
        continue;
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(user)) {
      if (e.view || collapse.getSrc() != C)
        return std::nullopt;
      e.view = collapse;
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || (e.op && e.op != generic) ||
        !generic.hasPureBufferSemantics() || generic.getNumDpsInits() != 1 ||
        generic.getNumReductionLoops() != 0 || use->getOperandNumber() >=
                                                   generic.getNumDpsInputs())
      return std::nullopt;
    e.op = generic;
    e.cInput = use->getOperandNumber();
  }
  if (!e.op || e.op->getBlock() != op->getBlock() ||
      !op->isBeforeInBlock(e.op))
    return std::nullopt;
  // Only one input may read C, through an identity map, and the output is
  // written through an identity map.
  Value cRead = e.view ? e.view->getResult(0) : C;
  for (auto [i, in] : llvm::enumerate(e.op.getDpsInputs()))
    if (in == cRead && i != e.cInput)
      return std::nullopt;
  SmallVector<AffineMap> maps = e.op.getIndexingMapsArray();
  if (!maps[e.cInput].isIdentity() || !maps.back().isIdentity())
    return std::nullopt;
  // The payload: arith and math on scalars; no index, no use of the output.
  Block &body = e.op.getRegion().front();
  if (!body.getArgument(body.getNumArguments() - 1).use_empty())
    return std::nullopt;
  for (Operation &p : body.without_terminator()) {
    StringRef dialect = p.getDialect() ? p.getDialect()->getNamespace() : "";
    if ((dialect != "arith" && dialect != "math") || p.getNumRegions() != 0)
      return std::nullopt;
    for (Type t : llvm::concat<Type>(llvm::to_vector(p.getOperandTypes()),
                                     llvm::to_vector(p.getResultTypes())))
      if (!t.isIntOrFloat())
        return std::nullopt;
  }
  for (Value in : e.op.getDpsInputs()) {
    auto t = dyn_cast<MemRefType>(in.getType());
    if (!t || !t.getElementType().isIntOrFloat())
      return std::nullopt;
  }
  // The kernel moves down to the consumer: nothing between may touch a
  // buffer that the product or the consumer reads or writes.
  SmallVector<Value> reads(op.getDpsInputs()), writes(op.getDpsInits());
  llvm::append_range(reads, e.op.getDpsInputs());
  llvm::append_range(writes, e.op.getDpsInits());
  for (Operation *p = op->getNextNode(); p != e.op; p = p->getNextNode())
    if (p != e.view && !harmless(p) && conflicts(p, reads, writes))
      return std::nullopt;
  // Contraction loops -> indices of C -> indices of the consumer's space
  // (a collapse_shape merges groups of C's dimensions).
  MLIRContext *ctx = op->getContext();
  auto ct = cast<MemRefType>(C.getType());
  SmallVector<AffineExpr> cIdx;
  for (unsigned d : loopsOfC)
    cIdx.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineExpr> outIdx;
  if (auto collapse = dyn_cast_or_null<memref::CollapseShapeOp>(e.view)) {
    for (ReassociationIndices group : collapse.getReassociationIndices()) {
      AffineExpr x = getAffineConstantExpr(0, ctx);
      for (int64_t c : group)
        x = x * ct.getDimSize(c) + cIdx[c];
      outIdx.push_back(x);
    }
  } else {
    outIdx = cIdx;
  }
  e.loopsToOut = AffineMap::get(op.getNumLoops(), 0, outIdx, ctx);
  return e;
}

//===----------------------------------------------------------------------===//
// Kernel construction
//===----------------------------------------------------------------------===//

/// An operand of the kernel as a flat memref and its linear offset.
struct Access {
  Value mem;       // the original memref
  MemRefType type; // its type
  Linear lin;      // element offset in the contraction's loops
};

struct Kernel {
  ModuleOp module;
  OpBuilder &b;
  Location loc;
  std::string prefix;
  int counter = 0;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) { return y == 1 ? x : mul(x, idx(y)); }
  Value lt(Value x, int64_t y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, idx(y));
  }

  /// A constant global holding `value`, read in the current block; packed
  /// weights are named as the other weights (`__constant_...`), tables
  /// are not weights.
  Value global(DenseElementsAttr value, bool isWeight = false) {
    auto tensor = cast<RankedTensorType>(value.getType());
    auto type = MemRefType::get(tensor.getShape(), tensor.getElementType());
    std::string name = (isWeight ? "__constant_" : "__table_") + prefix +
                       "_" + std::to_string(counter++);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(module.getBody());
      auto global = memref::GlobalOp::create(b, loc, name,
                                        b.getStringAttr("private"), type,
                                        value, /*constant=*/true,
                                        b.getI64IntegerAttr(64));
      if (!isWeight)
        global->setAttr("dlc.table", b.getUnitAttr());
    }
    return memref::GetGlobalOp::create(b, loc, type, name);
  }
  Value intTable(ArrayRef<int64_t> values) {
    SmallVector<int32_t> v(values.begin(), values.end());
    auto type = RankedTensorType::get({int64_t(v.size())}, b.getI32Type());
    return global(DenseElementsAttr::get(type, ArrayRef<int32_t>(v)));
  }
  /// table[i] compared with 0 (`ne`: a flag set; `sge`: a real column).
  Value test(Value table, Value i,
             arith::CmpIPredicate pred = arith::CmpIPredicate::ne) {
    return arith::CmpIOp::create(
        b, loc, pred, memref::LoadOp::create(b, loc, table, ValueRange{i}),
        arith::ConstantIntOp::create(b, loc, 0, 32));
  }
  Value lookup(Value table, Value i) {
    Value v = memref::LoadOp::create(b, loc, table, ValueRange{i});
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  }
  /// `v` as a 1-D memref over its whole extent, from its base.
  Value flat(Value v) {
    auto t = cast<MemRefType>(v.getType());
    auto type = MemRefType::get({extent(t)}, t.getElementType());
    return memref::ReinterpretCastOp::create(b, loc, type, v, 0,
                                             ArrayRef<int64_t>{extent(t)},
                                             ArrayRef<int64_t>{1});
  }
  /// for (iv = lb; iv < ub; ++iv) body(iv)
  void loop(Value lb, Value ub, function_ref<void(Value)> body) {
    auto f = scf::ForOp::create(b, loc, lb, ub, idx(1));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(f.getBody()->getTerminator());
    body(f.getInductionVar());
  }
};

/// Clones the epilogue's payload on `args` (one value per input; the C
/// input is the accumulator), as vectors of `lanes` when any is a vector.
Value applyPayload(OpBuilder &b, Location loc, linalg::GenericOp op,
                   ArrayRef<Value> args) {
  Block &body = op.getRegion().front();
  IRMapping map;
  for (auto [arg, v] : llvm::zip(body.getArguments(), args))
    map.map(arg, v);
  for (Operation &p : body.without_terminator()) {
    VectorType vt;
    for (Value o : p.getOperands())
      if (auto t = dyn_cast<VectorType>(map.lookupOrDefault(o).getType()))
        vt = t;
    SmallVector<std::pair<Value, Value>> restore;
    if (vt)
      for (Value o : p.getOperands()) {
        Value m = map.lookupOrDefault(o);
        if (isa<VectorType>(m.getType()))
          continue;
        Value bc = vector::BroadcastOp::create(
            b, loc, VectorType::get(vt.getShape(), m.getType()), m);
        restore.push_back({o, m});
        map.map(o, bc);
      }
    Operation *c = b.clone(p, map);
    if (vt)
      for (OpResult r : c->getResults())
        r.setType(VectorType::get(vt.getShape(), r.getType()));
    for (auto [o, m] : restore)
      map.map(o, m);
  }
  return map.lookupOrDefault(body.getTerminator()->getOperand(0));
}

LogicalResult CPUTileContractionsPass::rewrite(linalg::LinalgOp op, int id,
                                               bool swap, double *cost) {
  ModuleOp module = getOperation();
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 || !isMulAdd(op))
    return failure();
  Value in0 = op.getDpsInputs()[0], in1 = op.getDpsInputs()[1];
  Value C = op.getDpsInits()[0];
  for (Value v : {in0, in1, C}) {
    auto t = dyn_cast<MemRefType>(v.getType());
    if (!t || !t.hasStaticShape() || !t.getElementType().isF32())
      return failure();
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic) ||
      !maps[2].isProjectedPermutation() || maps[2].getNumResults() == 0)
    return failure();
  // V: the input using C's innermost loop.
  unsigned inner = cast<AffineDimExpr>(maps[2].getResults().back()).getPosition();
  bool v0 = maps[0].isFunctionOfDim(inner), v1 = maps[1].isFunctionOfDim(inner);
  if (v0 == v1)
    return failure();
  unsigned vi = (v0 ? 0 : 1) ^ (swap ? 1 : 0), si = 1 - vi;
  Value V = vi == 0 ? in0 : in1, S = vi == 0 ? in1 : in0;
  if (swap && !constantValue(V, module))
    return failure();
  AffineMap vMap = maps[vi], sMap = maps[si];
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  SmallVector<unsigned> batchDims, mDims, nDims, kDims, loopsOfC;
  for (AffineExpr r : maps[2].getResults())
    loopsOfC.push_back(cast<AffineDimExpr>(r).getPosition());
  // M and N loops in C's order (N then is contiguous in C), K in loop order.
  for (unsigned d : loopsOfC) {
    bool inS = sMap.isFunctionOfDim(d), inV = vMap.isFunctionOfDim(d);
    if (inS && inV)
      batchDims.push_back(d);
    else if (inS)
      mDims.push_back(d);
    else if (inV)
      nDims.push_back(d);
    else if (ranges[d] != 1)
      return failure();
  }
  for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d) {
    if (llvm::is_contained(loopsOfC, d))
      continue;
    if (iters[d] != utils::IteratorType::reduction)
      return failure();
    kDims.push_back(d);
  }
  if (nDims.empty() || kDims.empty())
    return failure();
  auto size = [&](ArrayRef<unsigned> dims) {
    int64_t n = 1;
    for (unsigned d : dims)
      n *= ranges[d];
    return n;
  };
  int64_t batch = size(batchDims), M = size(mDims), N = size(nDims),
          K = size(kDims);
  // Offsets; loops of one iteration contribute nothing.
  auto offsetOf = [&](AffineMap map, Value v) -> std::optional<Linear> {
    auto l = linearOffset(map, cast<MemRefType>(v.getType()));
    if (l)
      for (auto [d, r] : llvm::enumerate(ranges))
        if (r == 1)
          l->coef[d] = 0;
    return l;
  };
  auto sLin = offsetOf(sMap, S);
  auto vLin = offsetOf(vMap, V);
  auto cLin = offsetOf(maps[2], C);
  // The index tables hold 32-bit offsets.
  auto fitsTables = [](Value v) {
    return extent(cast<MemRefType>(v.getType())) < (int64_t(1) << 31);
  };
  if (!sLin || !vLin || !cLin || !fitsTables(S) || !fitsTables(V) ||
      !fitsTables(C))
    return failure();

  // The zero fill of C just before (nothing between touches C).
  linalg::FillOp fill;
  for (Operation *p = op->getPrevNode(); p; p = p->getPrevNode()) {
    auto f = dyn_cast<linalg::FillOp>(p);
    if (f && f.getOutputs()[0] == C) {
      auto cst = f.getInputs()[0].getDefiningOp<arith::ConstantOp>();
      auto fv = cst ? dyn_cast<FloatAttr>(cst.getValue()) : nullptr;
      if (fv && fv.getValue().isZero())
        fill = f;
      break;
    }
    if (llvm::is_contained(p->getOperands(), C) || !harmless(p))
      break;
  }
  if (!fill)
    return failure();

  // The output: the epilogue's, else C.
  std::optional<Epilogue> epi = findEpilogue(op, C, loopsOfC);
  Value O = C;
  Linear oLin = *cLin;
  SmallVector<std::optional<Linear>> xLin;
  if (epi) {
    O = epi->op.getDpsInits()[0];
    SmallVector<AffineMap> emaps = epi->op.getIndexingMapsArray();
    auto ol = offsetOf(emaps.back().compose(epi->loopsToOut), O);
    bool ok = ol.has_value() && fitsTables(O);
    if (ok)
      oLin = *ol;
    for (auto [i, in] : llvm::enumerate(epi->op.getDpsInputs())) {
      if (i == epi->cInput || !ok) {
        xLin.push_back(std::nullopt);
        continue;
      }
      // Any linear input: read as a vector where its columns are
      // contiguous as the output's are, else per element.
      auto xl = offsetOf(emaps[i].compose(epi->loopsToOut), in);
      ok = xl.has_value() && fitsTables(in);
      xLin.push_back(xl);
    }
    if (!ok) {
      epi.reset();
      O = C;
      oLin = *cLin;
      xLin.clear();
    }
  }

  // A zero padding that reads the output (the generic marked dlc.pad_low
  // / dlc.pad_high by the graph lowering): the kernel writes straight into
  // the padded buffer, with offsets shifted by the low pads, and zeroes
  // its border; the padding kernel and the unpadded buffer disappear.
  linalg::GenericOp padOp;
  Value unpadded;
  Operation *insertAt = epi ? epi->op.getOperation() : op.getOperation();
  if (fuseEpilogues && O.getDefiningOp<memref::AllocOp>()) {
    bool ok = true;
    for (Operation *u : O.getUsers()) {
      if (isa<memref::DeallocOp>(u) || u == op.getOperation() ||
          u == fill.getOperation() || (epi && u == epi->op.getOperation()))
        continue;
      auto load = dyn_cast<memref::LoadOp>(u);
      auto g = load ? load->getParentOfType<linalg::GenericOp>() : nullptr;
      if (!g || !g->hasAttr("dlc.pad_low") || (padOp && padOp != g)) {
        ok = false;
        break;
      }
      padOp = g;
    }
    Value P = padOp ? padOp.getDpsInits()[0] : Value();
    auto pt = P ? dyn_cast<MemRefType>(P.getType()) : nullptr;
    auto low = padOp ? padOp->getAttrOfType<DenseI64ArrayAttr>("dlc.pad_low")
                     : nullptr;
    ok = ok && padOp && pt && pt.hasStaticShape() &&
         pt.getLayout().isIdentity() && fitsTables(P) && pt.getRank() == 4 &&
         low &&
         low.size() == 4 && padOp->getBlock() == op->getBlock() &&
         insertAt->isBeforeInBlock(padOp);
    for (Operation *q = ok ? insertAt->getNextNode() : nullptr;
         q && q != padOp.getOperation(); q = q->getNextNode())
      if (!harmless(q) && conflicts(q, {}, {P}))
        ok = false;
    AffineMap oMap =
        epi ? epi->op.getIndexingMapsArray().back().compose(epi->loopsToOut)
            : maps[2];
    std::optional<Linear> pl;
    if (ok && oMap.getNumResults() == 4) {
      SmallVector<AffineExpr> shifted;
      for (auto [r, e] : llvm::enumerate(oMap.getResults()))
        shifted.push_back(e + low[r]);
      pl = offsetOf(AffineMap::get(oMap.getNumDims(), 0, shifted,
                                   op->getContext()),
                    P);
    }
    if (ok && pl) {
      unpadded = O;
      O = P;
      oLin = *pl;
      if (Operation *a = P.getDefiningOp())
        if (!cost && isa<memref::AllocOp>(a) && insertAt->isBeforeInBlock(a))
          a->moveBefore(insertAt);
    } else {
      padOp = nullptr;
    }
  }
  // An output only copied into a model result: written there directly.
  memref::CopyOp resultCopy;
  if (!padOp && O.getDefiningOp<memref::AllocOp>()) {
    for (Operation *u : O.getUsers()) {
      if (isa<memref::DeallocOp>(u) || u == op.getOperation() ||
          u == fill.getOperation() || (epi && u == epi->op.getOperation()))
        continue;
      auto copy = dyn_cast<memref::CopyOp>(u);
      if (!copy || resultCopy || copy.getSource() != O ||
          !isa<BlockArgument>(copy.getTarget()) ||
          copy.getTarget().getType() != O.getType() ||
          copy->getBlock() != op->getBlock() ||
          !insertAt->isBeforeInBlock(copy)) {
        resultCopy = nullptr;
        break;
      }
      resultCopy = copy;
    }
    for (Operation *q = resultCopy ? insertAt->getNextNode() : nullptr;
         q && q != resultCopy.getOperation(); q = q->getNextNode())
      if (!harmless(q) && conflicts(q, {}, {resultCopy.getTarget()}))
        resultCopy = nullptr;
    if (resultCopy) {
      unpadded = O;
      O = resultCopy.getTarget();
    }
  }

  // Windows over a padded input (convolutions): the innermost N loop runs
  // over every element of the input row (the output row plus the window
  // overhang, and with a stride s the elements between the strided ones),
  // so that consecutive columns are consecutive in V, across rows too, and
  // every panel reads V in place; the extra columns are computed and never
  // stored. With a stride only short reductions (depthwise convolutions,
  // where gathering costs more than the computation) use it.
  SmallVector<int64_t> nRanges(ranges);
  const int64_t realN = N;
  int64_t colStride = 1;
  {
    unsigned inner = nDims.back();
    int64_t stride = vLin->coef[inner];
    if (nDims.size() >= 2 && stride >= 1 &&
        llvm::all_of(vLin->coef, [](int64_t c) { return c >= 0; })) {
      unsigned outer = nDims[nDims.size() - 2];
      int64_t pitch = vLin->coef[outer];
      int64_t span = (ranges[inner] - 1) * stride + 1;
      if (stride == 1 && ranges[outer] > 1 && pitch > ranges[inner] &&
          4 * (pitch - ranges[inner]) <= pitch) {
        nRanges[inner] = pitch;
      } else if (stride > 1 && ranges[outer] > 1 && pitch >= span &&
                 K <= 64 && 5 * ranges[inner] >= 2 * int64_t(llvm::alignTo(span, 32))) {
        // Strided rows: each output row takes whole panels (the row
        // length is rounded up to the panel width below), so that no
        // panel crosses rows.
        nRanges[inner] = llvm::alignTo(span, 32);
        colStride = stride;
      }
    }
    N = 1;
    for (unsigned d : nDims)
      N *= nRanges[d];
  }
  // The table of an offset over the (extended) columns: V's element of the
  // column, or the output element (-1 for the extra columns with
  // `markExtra`). A column is real when its position in the row falls on
  // an output (`realColumn`).
  auto realColumn = [&](int64_t n) {
    int64_t col = n % nRanges[nDims.back()];
    return col % colStride == 0 &&
           col / colStride < ranges[nDims.back()];
  };
  auto nTable = [&](const Linear &l, bool markExtra, bool isV = false) {
    SmallVector<int64_t> t(N);
    SmallVector<int64_t> iv(nDims.size(), 0);
    unsigned last = nDims.size() - 1;
    for (int64_t n = 0; n < N; ++n) {
      int64_t v = 0;
      for (unsigned j = 0; j < last; ++j)
        v += l.coef[nDims[j]] * iv[j];
      int64_t col = iv[last];
      bool real = realColumn(n);
      if (isV && colStride > 1)
        t[n] = v + col; // every element of the input row
      else if (isV)
        t[n] = v + l.coef[nDims[last]] * col;
      else if (!real && markExtra && N != realN)
        t[n] = -1;
      else
        t[n] = v + l.coef[nDims[last]] * (col / colStride);
      for (int j = int(last); j >= 0; --j) {
        if (++iv[j] < nRanges[nDims[j]])
          break;
        iv[j] = 0;
      }
    }
    return t;
  };

  dlc::cpu::CPUTargetInfo target;
  target.vectorBits = vectorBits;
  target.registers = vectorRegisters;
  dlc::cpu::ContractionTiles tiles =
      dlc::cpu::chooseContractionTiles(
          target, batch, M, N, K,
          /*sInPlace=*/!(constantValue(S, module) &&
                         llvm::all_of(batchDims, [&](unsigned d) {
                           return sLin->coef[d] == 0;
                         })));
  const int64_t L = tiles.lanes, MR = tiles.mr, NR = tiles.nr, NV = NR / L;
  if (colStride > 1 && nRanges[nDims.back()] % NR != 0) {
    unsigned inner = nDims.back();
    int64_t span = (ranges[inner] - 1) * colStride + 1;
    N = N / nRanges[inner] * int64_t(llvm::alignTo(span, NR));
    nRanges[inner] = llvm::alignTo(span, NR);
  }
  const int64_t tilesM = (M + MR - 1) / MR, panels = (N + NR - 1) / NR;
  const int64_t ppt = tiles.panelsPerTask;
  const int64_t groups = (panels + ppt - 1) / ppt;
  const int64_t tpt = tiles.tilesPerTask;
  // Loop order of a task: panels outside (each V panel reused by all row
  // tiles) unless S does not fit in L2 while the task's V panels and one
  // row tile of S do; never with gathered panels.
  const int64_t sBytes = 4 * M * K, sTileBytes = 4 * MR * K,
                panelBytes = 4 * K * NR;
  const int64_t mChunks = (tilesM + tpt - 1) / tpt;

  // Compile-time tables and packed constants.
  SmallVector<int64_t> vK = table(*vLin, kDims, ranges),
                       vN = nTable(*vLin, false, /*isV=*/true),
                       sK = table(*sLin, kDims, ranges),
                       sM = table(*sLin, mDims, ranges),
                       oM = table(oLin, mDims, ranges),
                       oN = nTable(oLin, true);
  auto noBatch = [&](const Linear &l) {
    return llvm::all_of(batchDims, [&](unsigned d) { return l.coef[d] == 0; });
  };
  DenseElementsAttr vConst = constantValue(V, module),
                    sConst = constantValue(S, module);
  bool vPacked = vConst && noBatch(*vLin);
  bool sPacked = sConst && noBatch(*sLin);
  // Epilogue inputs read along N: their columns must be contiguous where
  // the output's are for the vector stores.
  SmallVector<SmallVector<int64_t>> xN;
  if (epi)
    for (const std::optional<Linear> &x : xLin)
      if (x && !allN(*x, nDims, 0))
        xN.push_back(nTable(*x, true));
  // The largest batch and K parts of V's offsets (a panel read in place
  // must stay inside V).
  int64_t vBatchMax = 0, vKMax = 0;
  for (unsigned d : batchDims)
    vBatchMax += vLin->coef[d] * (ranges[d] - 1);
  for (int64_t v : vK)
    vKMax = std::max(vKMax, v);
  SmallVector<bool> vDirect(panels), oFull(panels);
  bool anyDirect = false, anyGather = false, allOFull = true, noOFull = true;
  for (int64_t p = 0; p < panels; ++p) {
    vDirect[p] = !vPacked && contiguousPanel(vN, p, NR) &&
                 vLin->cst + vBatchMax + vKMax + vN[p * NR + NR - 1] <
                     extent(cast<MemRefType>(V.getType()));
    oFull[p] = contiguousPanel(oN, p, NR) &&
               llvm::all_of(xN, [&](ArrayRef<int64_t> t) {
                 return contiguousPanel(t, p, NR);
               });
    anyDirect |= vDirect[p];
    anyGather |= !vPacked && !vDirect[p];
    allOFull &= oFull[p];
    noOFull &= !oFull[p];
  }
  const bool mOuter = !anyGather && sBytes > target.l2Bytes / 2 &&
                      ppt > 1 &&
                      ppt * panelBytes + sTileBytes <= target.l2Bytes * 3 / 4;

  if (cost) {
    int64_t gathered = llvm::count(vDirect, false) - (vPacked ? panels : 0);
    int64_t edges = llvm::count(oFull, false);
    *cost = tiles.cycles + double(gathered * K * NR * mChunks) * 1.5 +
            double(edges * tilesM * MR * NR) * 4.0;
    return success();
  }
  OpBuilder b(epi ? epi->op.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  Kernel k{module, b, loc, "dlc_k" + std::to_string(id)};
  Type f32 = b.getF32Type();
  auto vecType = VectorType::get({L}, f32);

  auto par = scf::ParallelOp::create(b, loc, ValueRange{k.idx(0)},
                                     ValueRange{k.idx(batch * groups * mChunks)},
                                     ValueRange{k.idx(1)});
  // What dlc --explain and dlc-run --profile say of this kernel.
  {
    auto isWindow = [](AffineExpr e) {
      return !isa<AffineDimExpr, AffineConstantExpr>(e);
    };
    bool window = llvm::any_of(vMap.getResults(), isWindow) ||
                  llvm::any_of(sMap.getResults(), isWindow);
    std::string kind = !window ? "contraction"
                       : (swap ? N : M) == 1 ? "depthwise convolution"
                                : "convolution";
    int64_t direct = llvm::count(vDirect, true);
    std::string strategy;
    llvm::raw_string_ostream os(strategy);
    if (swap)
      os << "vectors along the weights; ";
    os << "register tile " << MR << "x" << NR << " (" << MR * NV
       << " vector accumulators), M=" << M << " N=" << N << " K=" << K;
    if (batch > 1)
      os << " batch=" << batch;
    os << "; " << (sPacked ? "S packed at compile time" : "S read in place");
    if (vPacked)
      os << ", V packed at compile time";
    else
      os << ", V panels " << direct << " in place / " << panels - direct
         << " gathered";
    if (N != realN)
      os << " (rows computed " << nRanges[nDims.back()] << " wide"
         << (colStride > 1 ? " at stride 1" : "") << " for in-place reads)";
    os << "; " << batch * groups * mChunks << " tasks of " << ppt
       << " panels x " << tpt << " row tiles"
       << (mOuter ? " (row tiles outside)" : "");
    if (epi)
      os << "; epilogue fused";
    if (padOp)
      os << "; zero padding fused (writes the padded buffer)";
    int64_t bytes = 4 * (size(mDims) * K + K * N) * batch;
    bytes += extent(cast<MemRefType>(O.getType())) *
             std::max<int64_t>(1, cast<MemRefType>(O.getType())
                                          .getElementType()
                                          .getIntOrFloatBitWidth() / 8);
    par->setAttr("dlc.kind", b.getStringAttr(kind));
    par->setAttr("dlc.strategy", b.getStringAttr(strategy));
    par->setAttr("dlc.flops", b.getI64IntegerAttr(2 * batch * M * realN * K));
    par->setAttr("dlc.bytes", b.getI64IntegerAttr(bytes));
    par->setAttr("dlc.tiles", b.getDenseI64ArrayAttr({MR, NR, ppt, tpt}));
    SmallVector<Location> locs{op.getLoc()};
    if (epi)
      locs.push_back(epi->op.getLoc());
    if (padOp)
      locs.push_back(padOp.getLoc());
    par->setLoc(b.getFusedLoc(locs));
  }
  b.setInsertionPoint(par.getBody()->getTerminator());
  Value task = par.getInductionVars()[0];
  // The padded output's border, zeroed by the first task (the others write
  // only its interior).
  if (padOp) {
    auto pt = cast<MemRefType>(O.getType());
    ArrayRef<int64_t> low =
        padOp->getAttrOfType<DenseI64ArrayAttr>("dlc.pad_low").asArrayRef();
    ArrayRef<int64_t> high =
        padOp->getAttrOfType<DenseI64ArrayAttr>("dlc.pad_high").asArrayRef();
    int64_t planes = pt.getDimSize(0) * pt.getDimSize(1),
            H = pt.getDimSize(2), W = pt.getDimSize(3);
    auto once = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, task,
                              k.idx(0)),
        false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(once.thenBlock()->getTerminator());
    Value pFlat = k.flat(O);
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    auto zeroRange = [&](Value row, Value from, Value to) {
      k.loop(from, to, [&](Value w) {
        memref::StoreOp::create(b, loc, zero, pFlat, ValueRange{k.add(row, w)});
      });
    };
    k.loop(k.idx(0), k.idx(planes * H), [&](Value r) {
      Value h = arith::RemUIOp::create(b, loc, r, k.idx(H));
      Value row = k.mul(r, W);
      Value top = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, h,
                                        k.idx(low[2]));
      Value bottom = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                           h, k.idx(H - high[2]));
      auto whole = scf::IfOp::create(
          b, loc, arith::OrIOp::create(b, loc, top, bottom), true);
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPoint(whole.thenBlock()->getTerminator());
      zeroRange(row, k.idx(0), k.idx(W));
      b.setInsertionPoint(whole.elseBlock()->getTerminator());
      zeroRange(row, k.idx(0), k.idx(low[3]));
      zeroRange(row, k.idx(W - high[3]), k.idx(W));
    });
  }
  Value mChunk = arith::RemUIOp::create(b, loc, task, k.idx(mChunks));
  Value rest = arith::DivUIOp::create(b, loc, task, k.idx(mChunks));
  Value bIdx = arith::DivUIOp::create(b, loc, rest, k.idx(groups));
  Value group = arith::RemUIOp::create(b, loc, rest, k.idx(groups));
  Value mtBegin = k.mul(mChunk, tpt);
  Value mtEnd = arith::MinSIOp::create(b, loc, k.add(mtBegin, k.idx(tpt)),
                                       k.idx(tilesM));
  // Batch offsets of each operand.
  SmallVector<Value> bIvs(op.getNumLoops());
  {
    Value left = bIdx;
    for (int i = int(batchDims.size()) - 1; i >= 0; --i) {
      int64_t n = ranges[batchDims[i]];
      bIvs[batchDims[i]] =
          i > 0 ? arith::RemUIOp::create(b, loc, left, k.idx(n)) : left;
      if (i > 0)
        left = arith::DivUIOp::create(b, loc, left, k.idx(n));
    }
  }
  auto batchOffset = [&](const Linear &l) {
    Value v = k.idx(l.cst);
    for (unsigned d : batchDims)
      if (l.coef[d] != 0)
        v = k.add(v, k.mul(bIvs[d], l.coef[d]));
    return v;
  };

  // Flat operands and tables.
  auto dynF32 = MemRefType::get({ShapedType::kDynamic}, f32);
  Value vFlat, vPack;
  // A constant operand as [tiles][K][width], zero beyond `count` rows.
  auto pack = [&](DenseElementsAttr value, const Linear &lin,
                  ArrayRef<int64_t> kPart, ArrayRef<int64_t> rowPart,
                  int64_t count, int64_t width) {
    int64_t numTiles = (count + width - 1) / width;
    SmallVector<float> packed(numTiles * K * width, 0.0f);
    auto values = llvm::to_vector(value.getValues<float>());
    for (int64_t t = 0; t < numTiles; ++t)
      for (int64_t kk = 0; kk < K; ++kk)
        for (int64_t j = 0; j < width && t * width + j < count; ++j)
          packed[(t * K + kk) * width + j] =
              values[lin.cst + kPart[kk] + rowPart[t * width + j]];
    return k.global(DenseElementsAttr::get(
                        RankedTensorType::get({int64_t(packed.size())}, f32),
                        ArrayRef<float>(packed)),
                    /*isWeight=*/true);
  };
  if (vPacked) {
    vPack = pack(vConst, *vLin, vK, vN, N, NR);
  } else {
    vFlat = k.flat(V);
  }
  Value sFlat;
  if (sPacked) {
    sFlat = pack(sConst, *sLin, sK, sM, M, MR);
  } else {
    sFlat = k.flat(S);
  }
  Value oFlat = k.flat(O);
  Value vB = vPacked ? Value() : batchOffset(*vLin);
  Value sB = sPacked ? Value() : batchOffset(*sLin);
  Value oB = batchOffset(oLin);
  // V rows: a stride when vK is linear, else a table (vK for panels read in
  // place, k * NR for gathered ones).
  std::optional<int64_t> vStride = linearStride(vK);
  Value vKTable, kNRTable, vNTable, vValidTable;
  if (!vPacked) {
    // Padded to whole panels for the gathers' vector loads (masked off).
    SmallVector<int64_t> padded(vN), valid(panels * NR, 0);
    padded.resize(panels * NR, 0);
    for (int64_t n = 0; n < N; ++n)
      valid[n] = realColumn(n);
    vNTable = k.intTable(padded);
    if (anyGather)
      vValidTable = k.intTable(valid);
    if (!vStride) {
      vKTable = k.intTable(vK);
      SmallVector<int64_t> knr(K);
      for (int64_t kk = 0; kk < K; ++kk)
        knr[kk] = kk * NR;
      kNRTable = k.intTable(knr);
    }
  }
  std::optional<int64_t> sStride = sPacked ? std::optional<int64_t>(MR)
                                           : linearStride(sK);
  Value sKTable = sStride ? Value() : k.intTable(sK);
  Value sMTable = sPacked ? Value() : k.intTable(sM);
  Value oMTable = k.intTable(oM), oNTable = k.intTable(oN);
  Value vDirectTable, oFullTable;
  if (anyDirect && anyGather) {
    SmallVector<int64_t> t(vDirect.begin(), vDirect.end());
    vDirectTable = k.intTable(t);
  }
  if (!allOFull && !noOFull) {
    SmallVector<int64_t> t(oFull.begin(), oFull.end());
    oFullTable = k.intTable(t);
  }
  // Vectors of partial panels that are whole (contiguous, real columns)
  // in the output and in every epilogue input read along N.
  SmallVector<int64_t> vectorOK(panels * NV, 0);
  bool anyVectorOK = false;
  for (int64_t v = 0; v < panels * NV; ++v) {
    vectorOK[v] = contiguousPanel(oN, v, L) &&
                  llvm::all_of(xN, [&](ArrayRef<int64_t> t) {
                    return contiguousPanel(t, v, L);
                  });
    anyVectorOK |= vectorOK[v] != 0;
  }
  Value vectorOKTable = anyVectorOK && !allOFull ? k.intTable(vectorOK)
                                                 : Value();
  // Epilogue inputs.
  struct XIn {
    Value flat, mTable, nTable, batch;
    bool alongN = false;
  };
  SmallVector<XIn> xs;
  if (epi)
    for (auto [i, in] : llvm::enumerate(epi->op.getDpsInputs())) {
      XIn x;
      if (i != epi->cInput) {
        x.flat = k.flat(in);
        x.mTable = k.intTable(table(*xLin[i], mDims, ranges));
        x.alongN = !allN(*xLin[i], nDims, 0);
        if (x.alongN)
          x.nTable = k.intTable(nTable(*xLin[i], true));
        x.batch = batchOffset(*xLin[i]);
      }
      xs.push_back(x);
    }

  // Per-task buffers on the heap (dlc-outline-parallel allocates them once
  // per call of the outlined loop): the gathered panel and the tile of the
  // lane-by-lane stores.
  Value scratch, tile;
  if (anyGather)
    scratch = memref::AllocOp::create(
        b, loc, MemRefType::get({K * NR}, f32), b.getI64IntegerAttr(64));
  if (!allOFull)
    tile = memref::AllocOp::create(b, loc, MemRefType::get({MR * NR}, f32),
                                   b.getI64IntegerAttr(64));
  for (Value v : {scratch, tile})
    if (v)
      v.getDefiningOp()->setAttr("dlc.task_scratch", b.getUnitAttr());
  Value zeroV = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(
                                                      vecType, 0.0f));

  Value pBegin = k.mul(group, ppt);
  Value pEnd = arith::MinSIOp::create(b, loc, k.add(pBegin, k.idx(ppt)),
                                      k.idx(panels));
  // One panel p: V set up (read in place, packed, or gathered), then the
  // row tiles `overTiles` runs.
  auto panel = [&](Value p,
                   function_ref<void(function_ref<void(Value)>)> overTiles) {
    Value n0 = k.mul(p, NR);
    // Gathers panel p of V into the scratch buffer.
    // One vector gather per `lanes` columns and k (the column offsets and
    // the mask of columns inside N are loaded once per panel).
    auto gather = [&]() {
      auto i32 = b.getI32Type();
      auto idxType = VectorType::get({L}, i32);
      Value zeroI = arith::ConstantOp::create(
          b, loc, cast<TypedAttr>(DenseElementsAttr::get(idxType, int32_t(0))));
      SmallVector<Value> cols, masks;
      for (int64_t j = 0; j < NV; ++j) {
        Value c0 = k.add(n0, k.idx(j * L));
        cols.push_back(vector::LoadOp::create(b, loc, idxType, vNTable,
                                              ValueRange{c0}));
        masks.push_back(arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ne,
            vector::LoadOp::create(b, loc, idxType, vValidTable,
                                   ValueRange{c0}),
            zeroI));
      }
      k.loop(k.idx(0), k.idx(K), [&](Value kk) {
        Value rowOff = k.add(vB, vStride ? k.mul(kk, *vStride)
                                         : k.lookup(vKTable, kk));
        for (int64_t j = 0; j < NV; ++j) {
          Value v = vector::GatherOp::create(b, loc, vecType, vFlat,
                                             ValueRange{rowOff}, cols[j],
                                             masks[j], zeroV);
          vector::StoreOp::create(b, loc, v, scratch,
                                  ValueRange{k.add(k.mul(kk, NR),
                                                   k.idx(j * L))});
        }
      });
    };
    // (memref, row base, stride or table) of V's panel.
    Value vMem, vRow, vStep, vTab;
    auto castDyn = [&](Value m) {
      return memref::CastOp::create(b, loc, dynF32, m).getResult();
    };
    if (vPacked) {
      vMem = vPack;
      vRow = k.mul(p, K * NR);
      vStep = k.idx(NR);
    } else if (!anyGather || !anyDirect) {
      if (anyGather) {
        gather();
        vMem = scratch;
        vRow = k.idx(0);
        if (vStride)
          vStep = k.idx(NR);
        else
          vTab = kNRTable;
      } else {
        vMem = vFlat;
        vRow = k.add(vB, k.lookup(vNTable, n0));
        if (vStride)
          vStep = k.idx(*vStride);
        else
          vTab = vKTable;
      }
    } else {
      Value direct = k.test(vDirectTable, p);
      Type third = vStride ? (Type)b.getIndexType()
                           : (Type)MemRefType::get({K}, b.getI32Type());
      auto sel = scf::IfOp::create(
          b, loc, TypeRange{dynF32, b.getIndexType(), third}, direct, true);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(sel.thenBlock());
        Value row = k.add(vB, k.lookup(vNTable, n0));
        scf::YieldOp::create(
            b, loc,
            ValueRange{castDyn(vFlat), row,
                       vStride ? k.idx(*vStride) : vKTable});
        b.setInsertionPointToStart(sel.elseBlock());
        gather();
        scf::YieldOp::create(
            b, loc,
            ValueRange{castDyn(scratch), k.idx(0),
                       vStride ? k.idx(NR) : kNRTable});
      }
      vMem = sel.getResult(0);
      vRow = sel.getResult(1);
      (vStride ? vStep : vTab) = sel.getResult(2);
    }

    overTiles([&](Value mt) {
      Value m0 = k.mul(mt, MR);
      SmallVector<Value> sRow(MR);
      for (int64_t i = 0; i < MR; ++i) {
        if (sPacked) {
          sRow[i] = k.add(k.mul(mt, K * MR), k.idx(i));
        } else {
          Value m = arith::MinSIOp::create(b, loc, k.add(m0, k.idx(i)),
                                           k.idx(M - 1));
          sRow[i] = k.add(sB, k.lookup(sMTable, m));
        }
      }
      SmallVector<Value> init(MR * NV, zeroV);
      auto kLoop =
          scf::ForOp::create(b, loc, k.idx(0), k.idx(K), k.idx(1), init);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(kLoop.getBody());
        Value kk = kLoop.getInductionVar();
        Value r = k.add(vRow, vTab ? k.lookup(vTab, kk) : k.mul(kk, vStep));
        SmallVector<Value> bv;
        for (int64_t j = 0; j < NV; ++j)
          bv.push_back(vector::LoadOp::create(b, loc, vecType, vMem,
                                              ValueRange{k.add(r, k.idx(j * L))}));
        Value sk = sStride ? k.mul(kk, *sStride) : k.lookup(sKTable, kk);
        SmallVector<Value> acc(kLoop.getRegionIterArgs());
        for (int64_t i = 0; i < MR; ++i) {
          Value s = memref::LoadOp::create(b, loc, sFlat,
                                           ValueRange{k.add(sRow[i], sk)});
          Value a = vector::BroadcastOp::create(b, loc, vecType, s);
          for (int64_t j = 0; j < NV; ++j)
            acc[i * NV + j] = vector::FMAOp::create(b, loc, a, bv[j],
                                                    acc[i * NV + j]);
        }
        scf::YieldOp::create(b, loc, acc);
      }
      SmallVector<Value> acc(kLoop.getResults());

      // The epilogue on value `v` of row m at column n: the other inputs
      // read there (a vector of L columns when `vector`, else one element).
      auto epilogue = [&](Value v, Value m, Value n, bool vector) {
        if (!epi)
          return v;
        SmallVector<Value> args;
        for (auto [xi, x] : llvm::enumerate(xs)) {
          if (xi == epi->cInput) {
            args.push_back(v);
            continue;
          }
          Value xo = k.add(x.batch, k.lookup(x.mTable, m));
          if (x.alongN)
            xo = k.add(xo, k.lookup(x.nTable, n));
          auto et = cast<MemRefType>(x.flat.getType()).getElementType();
          if (vector && x.alongN)
            args.push_back(vector::LoadOp::create(
                b, loc, VectorType::get({L}, et), x.flat, ValueRange{xo}));
          else
            args.push_back(
                memref::LoadOp::create(b, loc, x.flat, ValueRange{xo}));
        }
        return applyPayload(b, loc, epi->op, args);
      };
      // One vector of row i (columns c0 .. c0+L-1 of the panel, contiguous
      // and real in the output): epilogue on the register, vector store.
      auto emitVector = [&](int64_t i, int64_t j, Value m) {
        Value c0 = k.add(n0, k.idx(j * L));
        Value at = k.add(k.add(oB, k.lookup(oMTable, m)),
                         k.lookup(oNTable, c0));
        Value v = epilogue(acc[i * NV + j], m, c0, /*vector=*/true);
        vector::StoreOp::create(b, loc, v, oFlat, ValueRange{at});
      };
      // The lanes of vector j of row i (runtime values) one by one, from
      // the tile buffer (edges of N, extra columns, outputs not contiguous
      // along N).
      auto emitScalars = [&](Value i, Value j) {
        Value m = k.add(m0, i);
        Value c0 = k.add(n0, k.mul(j, L));
        Value cEnd = arith::MinSIOp::create(b, loc, k.add(c0, k.idx(L)),
                                            k.idx(N));
        Value mRow = k.add(oB, k.lookup(oMTable, m));
        k.loop(c0, cEnd, [&](Value n) {
          auto store = [&]() {
            Value t = k.add(k.mul(i, NR), arith::SubIOp::create(b, loc, n, n0));
            Value v = epilogue(
                memref::LoadOp::create(b, loc, tile, ValueRange{t}), m, n,
                /*vector=*/false);
            memref::StoreOp::create(
                b, loc, v, oFlat,
                ValueRange{k.add(mRow, k.lookup(oNTable, n))});
          };
          if (N == realN) {
            store();
          } else {
            Value real = k.test(oNTable, n, arith::CmpIPredicate::sge);
            auto inside = scf::IfOp::create(b, loc, real, false);
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPoint(inside.thenBlock()->getTerminator());
            store();
          }
        });
      };
      // Row i, guarded when M has a partial tile.
      auto forRow = [&](int64_t i, function_ref<void(Value)> body) {
        Value m = k.add(m0, k.idx(i));
        if (mDims.empty() || M % MR == 0) {
          body(m);
          return;
        }
        auto inM = scf::IfOp::create(b, loc, k.lt(m, M), false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(inM.thenBlock()->getTerminator());
        body(m);
      };
      // Stores: whole vectors where the output panel is contiguous.
      auto storeFull = [&]() {
        for (int64_t i = 0; i < MR; ++i)
          forRow(i, [&](Value m) {
            for (int64_t j = 0; j < NV; ++j)
              emitVector(i, j, m);
          });
      };
      // Other panels: each vector whole where its columns allow (the
      // vectorOK table), the others lane by lane in one loop.
      auto storeEdge = [&]() {
        auto okAt = [&](Value j) {
          if (!anyVectorOK)
            return Value(arith::ConstantIntOp::create(b, loc, 0, 1));
          return Value(k.test(vectorOKTable, k.add(k.mul(p, NV), j)));
        };
        for (int64_t i = 0; i < MR; ++i)
          for (int64_t j = 0; j < NV; ++j) {
            vector::StoreOp::create(b, loc, acc[i * NV + j], tile,
                                    ValueRange{k.idx(i * NR + j * L)});
            if (!anyVectorOK)
              continue;
            forRow(i, [&](Value m) {
              auto sel = scf::IfOp::create(b, loc, okAt(k.idx(j)), false);
              OpBuilder::InsertionGuard g(b);
              b.setInsertionPoint(sel.thenBlock()->getTerminator());
              emitVector(i, j, m);
            });
          }
        Value rows = arith::MinSIOp::create(
            b, loc, k.idx(MR), arith::SubIOp::create(b, loc, k.idx(M), m0));
        k.loop(k.idx(0), rows, [&](Value i) {
          k.loop(k.idx(0), k.idx(NV), [&](Value j) {
            Value notOK = arith::XOrIOp::create(
                b, loc, okAt(j), arith::ConstantIntOp::create(b, loc, 1, 1));
            auto sel = scf::IfOp::create(b, loc, notOK, false);
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPoint(sel.thenBlock()->getTerminator());
            emitScalars(i, j);
          });
        });
      };
      if (allOFull) {
        storeFull();
      } else if (noOFull) {
        storeEdge();
      } else {
        Value full = k.test(oFullTable, p);
        auto sel = scf::IfOp::create(b, loc, full, true);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(sel.thenBlock()->getTerminator());
        storeFull();
        b.setInsertionPoint(sel.elseBlock()->getTerminator());
        storeEdge();
      }
    });
  };
  if (!mOuter) {
    k.loop(pBegin, pEnd, [&](Value p) {
      panel(p, [&](function_ref<void(Value)> tile) {
        k.loop(mtBegin, mtEnd, tile);
      });
    });
  } else {
    // Row tiles outside: the task's S rows stay in L2 while its V panels
    // (packed or in place, so no gathering is repeated) pass by.
    k.loop(mtBegin, mtEnd, [&](Value mt) {
      k.loop(pBegin, pEnd, [&](Value p) {
        panel(p, [&](function_ref<void(Value)> tile) { tile(mt); });
      });
    });
  }
  // (buffer-deallocation-pipeline frees the per-task buffers.)

  // The replaced ops, and C when nothing else reads it.
  Operation *consumer = epi ? epi->op.getOperation() : nullptr;
  Operation *view = epi ? epi->view : nullptr;
  op->erase();
  fill->erase();
  if (consumer)
    consumer->erase();
  if (view)
    view->erase();
  if (resultCopy)
    resultCopy->erase();
  if (padOp)
    padOp->erase();
  // Buffers nothing reads any more (the product's, the unpadded output).
  auto dropIfDead = [](Value buffer) {
    auto alloc = buffer ? buffer.getDefiningOp<memref::AllocOp>() : nullptr;
    if (!alloc || llvm::any_of(buffer.getUsers(), [](Operation *u) {
          return !isa<memref::DeallocOp>(u);
        }))
      return;
    for (Operation *u : llvm::make_early_inc_range(buffer.getUsers()))
      u->erase();
    alloc->erase();
  };
  dropIfDead(unpadded);
  if (epi)
    dropIfDead(C);
  return success();
}

void CPUTileContractionsPass::runOnOperation() {
  SmallVector<linalg::LinalgOp> ops;
  getOperation().walk([&](linalg::LinalgOp op) {
    if (op.hasPureBufferSemantics() && isa<func::FuncOp>(op->getParentOp()) &&
        op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1 && isMulAdd(op))
      ops.push_back(op);
  });
  int id = 0;
  for (linalg::LinalgOp op : ops)
  {
    double plain = 0, swapped = 0;
    bool canPlain = succeeded(rewrite(op, id, false, &plain));
    // Vectors along the weights: for convolutions with short rows (7x7,
    // 14x14) the output channels fill whole panels with no extra columns
    // (ResNet-50's 3x3 at 14x14: 206 against 148 GFLOP/s).
    bool canSwap = swapOperands && succeeded(rewrite(op, id, true, &swapped));
    if (!canPlain && !canSwap)
      continue;
    bool swap = canSwap && (!canPlain || swapped < plain);
    if (succeeded(rewrite(op, id, swap, nullptr)))
      ++id;
  }
  // Transcendental functions of the epilogues (GELU's erf, tanh, sigmoid's
  // exp) as polynomials on the vectors instead of a libm call per lane.
  {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return name == "erf" || name == "tanh" || name == "exp" ||
                 name == "expm1" || name == "log" || name == "log1p";
        });
    FrozenRewritePatternSet frozen(std::move(patterns));
    SmallVector<scf::ParallelOp> kernels;
    getOperation().walk([&](scf::ParallelOp par) {
      if (par->hasAttr("dlc.strategy"))
        kernels.push_back(par);
    });
    for (scf::ParallelOp par : kernels)
      if (failed(applyPatternsGreedily(par, frozen)))
        return signalPassFailure();
  }
  // Weights that only the packed copies read any more.
  getOperation().walk([](memref::GetGlobalOp get) {
    if (get->use_empty())
      get->erase();
  });
  for (auto global : llvm::make_early_inc_range(
           getOperation().getOps<memref::GlobalOp>())) {
    auto uses = SymbolTable::getSymbolUses(global, getOperation());
    if (uses && uses->empty())
      global.erase();
  }
}

} // namespace
