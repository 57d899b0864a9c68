//===- Analysis.cpp - offsets and epilogue matching of contractions -------===//
//
// Linear element offsets of memref operands, their per-loop tables, and the
// elementwise consumer a contraction kernel absorbs as its epilogue.
//
//===----------------------------------------------------------------------===//

#include "Plan.h"
#include "dlc/Passes/Contractions.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace dlc::cpu_contractions {

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

/// Whether the payload is out + a * b, the factors maybe widened from a
/// 16-bit float type (arith.extf).
bool isMulAdd(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  return generic && (dlc::isMulAddPayload(generic) ||
                     dlc::isWideningMulAddPayload(generic));
}

/// The dense f32, bf16 or f16 value of a constant global read by `v`, if
/// any.
DenseElementsAttr constantValue(Value v, ModuleOp module) {
  auto get = v.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return nullptr;
  auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
  if (!global || !global.getConstant())
    return nullptr;
  auto value = dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr());
  if (!value || !(value.getElementType().isF32() ||
                 value.getElementType().isBF16() ||
                 value.getElementType().isF16()))
    return nullptr;
  return value;
}

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

std::optional<Epilogue> findEpilogue(linalg::LinalgOp op, Value C,
                                     ArrayRef<unsigned> loopsOfC) {
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

} // namespace dlc::cpu_contractions
