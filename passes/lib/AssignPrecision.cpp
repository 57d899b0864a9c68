//===- AssignPrecision.cpp - products in fp16 / bf16 / tf32 ---------------===//
//
// The precision policy of the compiler: which kernels may compute in a
// narrower type than the model's f32, and how their inputs get there.
// Products and convolutions read fp16 / bf16 inputs and accumulate in f32
// (the arithmetic tensor cores and AVX512_BF16 dot products do); every
// other kernel stays f32, because its error does not average out
// (reductions, softmax, normalizations sum or divide many values) or
// because it is memory bound and gains nothing but error from narrowing.
//
// No upstream pass demotes precision (arith-emulate-unsupported-floats and
// math-extend-to-supported-types go the other way), so this one is ours.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Contractions.h"
#include "dlc/Passes/Kernels.h"
#include "dlc/Passes/OpInfo.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringSet.h"
#include <cmath>
#include <cstring>

namespace dlc {
#define GEN_PASS_DEF_ASSIGNPRECISION
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

/// One row of the policy: a kernel kind and whether it computes in the
/// low precision. Kinds are those of kernelKindOf().
struct PolicyRow {
  const char *kind;
  bool demote;
  const char *reason;
};

constexpr PolicyRow kPolicy[] = {
    {"contraction", true, "products accumulate in f32"},
    {"convolution", true, "convolutions accumulate in f32"},
    {"reduction", false, "sums and extrema of many values stay f32"},
    {"pooling", false, "window reductions stay f32"},
    {"elementwise", false,
     "memory bound; exp/log/erf/tanh/sigmoid lose accuracy in 16 bits"},
    {"data-movement", false, "moves bytes only"},
};

bool policyDemotes(StringRef kind) {
  for (const PolicyRow &row : kPolicy)
    if (kind == row.kind)
      return row.demote;
  return false;
}

/// f32 -> bf16, round to nearest even; NaN stays a (quiet) NaN.
uint16_t toBF16(uint32_t bits) {
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

/// f32 -> IEEE half, round to nearest even (overflow to infinity,
/// subnormals kept).
uint16_t toF16(uint32_t bits) {
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t mag = bits & 0x7FFFFFFFu;
  if (mag >= 0x7F800000u) // inf, NaN
    return sign | 0x7C00u | (mag > 0x7F800000u ? 0x200u : 0u);
  if (mag >= 0x477FF000u) // rounds to 65536 or more
    return sign | 0x7C00u;
  if (mag < 0x38800000u) { // below 2^-14: a half subnormal (or zero)
    float f;
    std::memcpy(&f, &mag, sizeof f);
    // Exact scaling by 2^24, then round to nearest even.
    return sign | static_cast<uint16_t>(std::nearbyint(f * 16777216.0f));
  }
  uint32_t exponent = (mag >> 23) - 127 + 15;
  uint32_t mantissa = mag & 0x7FFFFFu;
  uint32_t h = (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
    ++h; // a carry into the exponent is the right result
  return sign | static_cast<uint16_t>(h);
}

/// The constant `dense` (f32) converted to `element` (f16 or bf16).
DenseElementsAttr convertConstant(DenseElementsAttr dense, FloatType element) {
  auto type = cast<RankedTensorType>(dense.getType()).clone(element);
  bool bf16 = element.isBF16();
  auto convert = [&](float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bf16 ? toBF16(bits) : toF16(bits);
  };
  if (dense.isSplat()) {
    uint16_t h = convert(dense.getSplatValue<float>());
    APFloat v(element.getFloatSemantics(), APInt(16, h));
    return DenseElementsAttr::get(type, FloatAttr::get(element, v));
  }
  std::vector<uint16_t> out;
  out.reserve(dense.getNumElements());
  for (float f : dense.getValues<float>())
    out.push_back(convert(f));
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(reinterpret_cast<const char *>(out.data()),
                           out.size() * sizeof(uint16_t)));
}

/// `v` (a float tensor) converted elementwise to `to` (extf or truncf), at
/// the rewriter's insertion point.
Value castTensor(RewriterBase &rewriter, Location loc, Value v, FloatType to) {
  auto type = cast<RankedTensorType>(v.getType()).clone(to);
  bool widen = to.getWidth() >
               cast<FloatType>(getElementTypeOrSelf(v.getType())).getWidth();
  Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), to);
  MLIRContext *ctx = rewriter.getContext();
  auto id = AffineMap::getMultiDimIdentityMap(type.getRank(), ctx);
  SmallVector<utils::IteratorType> iters(type.getRank(),
                                         utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             rewriter, loc, TypeRange{type}, ValueRange{v}, ValueRange{init},
             SmallVector<AffineMap>{id, id}, iters,
             [&](OpBuilder &b, Location l, ValueRange a) {
               Value c = widen ? arith::ExtFOp::create(b, l, to, a[0])
                                     .getResult()
                               : arith::TruncFOp::create(b, l, to, a[0])
                                     .getResult();
               linalg::YieldOp::create(b, l, c);
             })
      .getResult(0);
}

/// --io-precision: every f32 tensor input and result of `fn` in `io`; the
/// inputs widened right after entry, the results narrowed before each
/// return. Returns (widened value, argument) pairs.
SmallVector<std::pair<Value, Value>> narrowInterface(RewriterBase &rewriter,
                                                     func::FuncOp fn,
                                                     FloatType io) {
  SmallVector<std::pair<Value, Value>> widened;
  Block &entry = fn.front();
  SmallVector<Type> inputs(fn.getArgumentTypes());
  SmallVector<Type> results(fn.getResultTypes());
  rewriter.setInsertionPointToStart(&entry);
  for (BlockArgument arg : entry.getArguments()) {
    auto t = dyn_cast<RankedTensorType>(arg.getType());
    if (!t || !t.getElementType().isF32())
      continue;
    arg.setType(t.clone(io));
    inputs[arg.getArgNumber()] = arg.getType();
    Value wide = castTensor(rewriter, arg.getLoc(), arg,
                            Float32Type::get(fn.getContext()));
    arg.replaceAllUsesExcept(wide, wide.getDefiningOp());
    widened.push_back({wide, arg});
  }
  fn.walk([&](func::ReturnOp ret) {
    rewriter.setInsertionPoint(ret);
    for (OpOperand &o : ret->getOpOperands()) {
      auto t = dyn_cast<RankedTensorType>(o.get().getType());
      if (!t || !t.getElementType().isF32())
        continue;
      o.set(castTensor(rewriter, ret.getLoc(), o.get(), io));
      results[o.getOperandNumber()] = o.get().getType();
    }
  });
  fn.setType(FunctionType::get(fn.getContext(), inputs, results));
  return widened;
}

/// Rewrites the inputs of demoted products into the low type, sharing the
/// converted value between every product that reads the same f32 value.
class Demoter {
public:
  Demoter(RewriterBase &rewriter, FloatType low)
      : rewriter(rewriter), low(low) {}

  /// `wide` (an f32 value) is `narrow` (of the low type) widened: a product
  /// reads `narrow` itself.
  void knownNarrow(Value wide, Value narrow) { cache[wide] = narrow; }

  /// `v` (an f32 tensor) in the low type, for `reader`.
  Value demote(Value v, Operation *reader) {
    this->reader = reader;
    return demote(v);
  }

private:
  Value demote(Value v) {
    auto it = cache.find(v);
    if (it != cache.end())
      return it->second;
    Value result = demoteUncached(v);
    cache[v] = result;
    return result;
  }

  RankedTensorType lowType(Value v) {
    return cast<RankedTensorType>(v.getType()).clone(low);
  }

  Value demoteUncached(Value v) {
    OpBuilder::InsertionGuard guard(rewriter);
    Operation *def = v.getDefiningOp();
    DenseElementsAttr dense;
    if (def && matchPattern(v, m_Constant(&dense)) &&
        dense.getElementType().isF32()) {
      rewriter.setInsertionPoint(def);
      return arith::ConstantOp::create(rewriter, def->getLoc(),
                                       convertConstant(dense, low));
    }
    // Casting before a data-movement op that only feeds this value's
    // readers moves half the bytes through it; a constant behind it is
    // converted at compile time.
    bool onlyReader = llvm::all_of(v.getUsers(), [&](Operation *user) {
      return user == reader || user == v.getDefiningOp() ||
             llvm::is_contained(readers, user);
    });
    if (def && onlyReader && def->getNumResults() == 1) {
      if (Value moved = demoteThrough(def))
        return moved;
    }
    return castOf(v);
  }

  Value demoteThrough(Operation *def) {
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             linalg::TransposeOp, tensor::PadOp>(def))
      return {};
    readers.push_back(def);
    Value moved = rebuildLow(def);
    if (!moved)
      readers.pop_back();
    return moved;
  }

  Value rebuildLow(Operation *def) {
    Location loc = def->getLoc();
    if (auto e = dyn_cast<tensor::ExpandShapeOp>(def)) {
      Value src = demote(e.getSrc());
      rewriter.setInsertionPoint(def);
      return tensor::ExpandShapeOp::create(rewriter, loc,
                                           lowType(e.getResult()), src,
                                           e.getReassociationIndices());
    }
    if (auto c = dyn_cast<tensor::CollapseShapeOp>(def)) {
      Value src = demote(c.getSrc());
      rewriter.setInsertionPoint(def);
      return tensor::CollapseShapeOp::create(rewriter, loc,
                                             lowType(c.getResult()), src,
                                             c.getReassociationIndices());
    }
    if (auto t = dyn_cast<linalg::TransposeOp>(def)) {
      Value src = demote(t.getInput());
      rewriter.setInsertionPoint(def);
      auto type = lowType(t->getResult(0));
      Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
      return linalg::TransposeOp::create(rewriter, loc, src, init,
                                         t.getPermutation())
          ->getResult(0);
    }
    if (auto p = dyn_cast<tensor::PadOp>(def)) {
      Value padding = p.getConstantPaddingValue();
      FloatAttr value;
      if (!padding || !matchPattern(padding, m_Constant(&value)))
        return {};
      Value src = demote(p.getSource());
      rewriter.setInsertionPoint(def);
      bool lost = false;
      APFloat pv = value.getValue();
      pv.convert(low.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                 &lost);
      Value lowPadding = arith::ConstantOp::create(
          rewriter, loc, FloatAttr::get(low, pv));
      return tensor::PadOp::create(rewriter, loc, lowType(p.getResult()), src,
                                   p.getMixedLowPad(), p.getMixedHighPad(),
                                   lowPadding, p.getNofold());
    }
    return {};
  }

  /// An elementwise f32 -> low cast of `v`, right after its definition.
  Value castOf(Value v) {
    if (Operation *def = v.getDefiningOp())
      rewriter.setInsertionPointAfter(def);
    else
      rewriter.setInsertionPointToStart(
          cast<BlockArgument>(v).getOwner());
    return castTensor(rewriter, v.getLoc(), v, low);
  }

  RewriterBase &rewriter;
  FloatType low;
  llvm::DenseMap<Value, Value> cache;
  Operation *reader = nullptr;
  /// The data-movement ops already moved below a cast (their results are
  /// read only by what demote() rebuilt).
  SmallVector<Operation *> readers;
};

/// The terms each output of `op` sums (dynamic loops count as many).
/// Products summing few (depthwise convolutions: 9) stay f32: they are
/// memory bound, so narrowing gains no arithmetic, and their rounding error
/// does not average out over a long sum.
int64_t reductionTerms(linalg::LinalgOp op) {
  int64_t terms = 1;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (auto [range, iterator] :
       llvm::zip(ranges, op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction)
      terms *= ShapedType::isDynamic(range) ? int64_t(1) << 20 : range;
  return terms;
}

/// Whether `op` is an f32 product or convolution the policy demotes.
bool isDemotable(linalg::LinalgOp op, int64_t minTerms) {
  if (!isContractionKernel(op) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics())
    return false;
  for (OpOperand &operand : op->getOpOperands())
    if (!getElementTypeOrSelf(operand.get().getType()).isF32())
      return false;
  if (auto g = dyn_cast<linalg::GenericOp>(op.getOperation()))
    if (!isMulAddPayload(g))
      return false;
  return policyDemotes(kernelKindOf(op)) &&
         reductionTerms(op) >= minTerms;
}

/// The product `op` (a mul-add generic) reading `inputs` (low type) and
/// widening them to f32 in its body.
linalg::GenericOp rebuildWidening(RewriterBase &rewriter, linalg::GenericOp op,
                                  ValueRange inputs) {
  rewriter.setInsertionPoint(op);
  auto rebuilt = linalg::GenericOp::create(
      rewriter, op.getLoc(), op->getResultTypes(), inputs, op.getDpsInits(),
      op.getIndexingMapsArray(), op.getIteratorTypesArray(),
      [&](OpBuilder &b, Location l, ValueRange a) {
        Type acc = a[2].getType();
        Value x = arith::ExtFOp::create(b, l, acc, a[0]);
        Value y = arith::ExtFOp::create(b, l, acc, a[1]);
        Value product = arith::MulFOp::create(b, l, x, y);
        linalg::YieldOp::create(b, l,
                                arith::AddFOp::create(b, l, a[2], product)
                                    .getResult());
      });
  for (NamedAttribute attr : op->getDiscardableAttrs())
    rebuilt->setAttr(attr.getName(), attr.getValue());
  return rebuilt;
}

struct AssignPrecisionPass
    : dlc::impl::AssignPrecisionBase<AssignPrecisionPass> {
  using AssignPrecisionBase::AssignPrecisionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    StringRef p = precision;
    if (p != "fp32" && p != "tf32" && p != "fp16" && p != "bf16") {
      module.emitError() << "dlc-assign-precision: unknown precision '" << p
                         << "' (expected fp32, tf32, fp16 or bf16)";
      return signalPassFailure();
    }
    // Every node named in keep-fp32 must exist: a misspelt name would
    // otherwise silently demote the node it meant to pin.
    llvm::StringSet<> nodes;
    module.walk([&](Operation *op) {
      op->getLoc()->walk([&](Location loc) {
        if (auto name = dyn_cast<NameLoc>(loc))
          nodes.insert(name.getName().getValue());
        return WalkResult::advance();
      });
    });
    llvm::StringSet<> pinned;
    for (const std::string &name : keepFp32) {
      if (!nodes.contains(name)) {
        module.emitError() << "--keep-fp32: the model has no node named '"
                           << name << "'";
        return signalPassFailure();
      }
      pinned.insert(name);
    }
    StringRef io = ioPrecision;
    if (io != "model" && io != "fp16" && io != "bf16") {
      module.emitError() << "dlc-assign-precision: unknown io-precision '"
                         << io << "' (expected model, fp16 or bf16)";
      return signalPassFailure();
    }
    MLIRContext *ctx = module.getContext();
    IRRewriter rewriter(ctx);
    SmallVector<std::pair<Value, Value>> widened;
    FloatType ioType;
    if (io != "model") {
      auto fn = module.lookupSymbol<func::FuncOp>("main");
      if (!fn || fn.isExternal()) {
        module.emitError() << "--io-precision: the module has no @main";
        return signalPassFailure();
      }
      ioType = io == "bf16" ? (FloatType)BFloat16Type::get(ctx)
                            : (FloatType)Float16Type::get(ctx);
      widened = narrowInterface(rewriter, fn, ioType);
    }
    if (p == "fp32")
      return;

    SmallVector<linalg::LinalgOp> products;
    module.walk([&](linalg::LinalgOp op) {
      if (!isDemotable(op, minReductionTerms))
        return;
      // A merged product is pinned by any of its nodes.
      bool keep = false;
      op->getLoc()->walk([&](Location loc) {
        if (auto name = dyn_cast<NameLoc>(loc))
          keep |= pinned.contains(name.getName().getValue());
        return WalkResult::advance();
      });
      if (!keep)
        products.push_back(op);
    });
    if (p == "tf32") {
      for (linalg::LinalgOp op : products)
        op->setAttr("dlc.precision", StringAttr::get(ctx, "tf32"));
      return;
    }
    FloatType low = p == "bf16" ? (FloatType)BFloat16Type::get(ctx)
                                : (FloatType)Float16Type::get(ctx);
    Demoter demoter(rewriter, low);
    if (ioType == low)
      for (auto [wide, narrow] : widened)
        demoter.knownNarrow(wide, narrow);
    for (linalg::LinalgOp op : products) {
      linalg::GenericOp g = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!g) {
        rewriter.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> generic =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generic) || !isMulAddPayload(*generic))
          continue;
        g = *generic;
      }
      SmallVector<Value> inputs;
      for (Value in : g.getDpsInputs())
        inputs.push_back(demoter.demote(in, g));
      linalg::GenericOp rebuilt = rebuildWidening(rewriter, g, inputs);
      rebuilt->setAttr("dlc.precision", StringAttr::get(ctx, p));
      rewriter.replaceOp(g, rebuilt->getResults());
    }
    // The f32 data-movement ops that fed only the demoted products are
    // dead now: the canonicalizer after this pass removes them.
  }
};

} // namespace
