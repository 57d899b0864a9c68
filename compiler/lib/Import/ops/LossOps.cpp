//===- LossOps.cpp - ONNX NegativeLogLikelihoodLoss, SoftmaxCrossEntropy --===//
//
// Both losses are compositions of graph ops. For input (N, C, d1..dk) and
// target (N, d1..dk):
//   t'      = ignore_index given ? where(t == ignore_index, 0, t) : t
//   picked  = GatherElements(input, unsqueeze(t', 1), axis 1), squeezed
//   w       = weight[t'] (or 1), 0 where t == ignore_index
//   loss    = -picked * w
// then `none` keeps loss, `sum` sums it and `mean` divides that sum by the
// sum of w (the number of counted elements without weights).
// SoftmaxCrossEntropyLoss is the same loss of LogSoftmax(scores, axis 1),
// whose value is the optional second output.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "Compose.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::compose;

namespace {

struct LossOptions {
  std::string reduction;
  std::optional<int64_t> ignoreIndex;
};

FailureOr<LossOptions> readLossOptions(NodeImporter &n) {
  FailureOr<std::string> reduction =
      n.getString("reduction", StringRef("mean"));
  if (failed(reduction))
    return failure();
  if (*reduction != "none" && *reduction != "sum" && *reduction != "mean")
    return n.emitError() << n.node().op_type() << " reduction must be "
                         << "'none', 'sum' or 'mean', got '" << *reduction
                         << "'";
  LossOptions options{*reduction, std::nullopt};
  if (n.hasAttr("ignore_index")) {
    FailureOr<int64_t> ii = n.getInt("ignore_index");
    if (failed(ii))
      return failure();
    options.ignoreIndex = *ii;
  }
  return options;
}

/// Checks input (N, C, d...), target (N, d...) and weight (C).
LogicalResult checkLossOperands(NodeImporter &n, RankedTensorType input,
                                RankedTensorType target,
                                RankedTensorType weight) {
  StringRef op = n.node().op_type();
  if (!isa<FloatType>(input.getElementType()))
    return n.emitError() << op << " input element type "
                         << input.getElementType() << " is not supported";
  if (input.getRank() < 2)
    return n.emitError() << op << " input must have rank >= 2 (N, C, ...), "
                         << "got " << input;
  auto targetElement = dyn_cast<IntegerType>(target.getElementType());
  if (!targetElement || targetElement.getWidth() == 1)
    return n.emitError() << op << " target must be int32 or int64, got "
                         << target.getElementType();
  SmallVector<int64_t> expected{input.getDimSize(0)};
  llvm::append_range(expected, input.getShape().drop_front(2));
  if (target.getShape() != ArrayRef<int64_t>(expected))
    return n.emitError() << op << " target shape must be the input's without "
                         << "dimension 1, got " << target << " for input "
                         << input;
  if (weight &&
      (weight.getRank() != 1 || weight.getDimSize(0) != input.getDimSize(1) ||
       weight.getElementType() != input.getElementType()))
    return n.emitError() << op << " weight must be a 1-D tensor of the C = "
                         << input.getDimSize(1) << " classes, got " << weight;
  return success();
}

/// The loss of log-probabilities `input` at `target` (NLL), reduced.
FailureOr<Value> nllLoss(NodeImporter &n, Value input, Value target,
                         Value weight, const LossOptions &options) {
  auto inputType = cast<RankedTensorType>(input.getType());
  Type element = inputType.getElementType();
  Type i64 = n.builder().getI64Type();
  FailureOr<Value> t = castTo(n, target, i64);
  if (failed(t))
    return failure();
  // Ignored positions read class 0 (any class would do: their weight is 0).
  FailureOr<Value> valid;
  Value safe = *t;
  if (options.ignoreIndex) {
    FailureOr<Value> ignored = n.create<graph::EqualOp>(
        ValueRange{*t, n.scalarConstant(i64, double(*options.ignoreIndex))});
    if (succeeded(ignored))
      valid = n.create<graph::NotOp>(*ignored);
    FailureOr<Value> s;
    if (succeeded(valid))
      s = n.create<graph::WhereOp>(
          ValueRange{*valid, *t, n.scalarConstant(i64, 0)});
    if (failed(s))
      return failure();
    safe = *s;
  }
  FailureOr<Value> index =
      n.create<graph::UnsqueezeOp>(safe, {n.i64ArrayAttr("axes", {1})});
  FailureOr<Value> picked, loss;
  if (succeeded(index))
    picked = gatherElements(n, input, *index, 1);
  if (succeeded(picked))
    picked = n.create<graph::SqueezeOp>(*picked, {n.i64ArrayAttr("axes", {1})});
  if (succeeded(picked))
    loss = n.create<graph::NegOp>(*picked);
  if (failed(loss))
    return failure();

  // The weight of each position: weight[t'] and/or the valid mask.
  FailureOr<Value> w = Value();
  if (weight)
    w = n.create<graph::GatherOp>(ValueRange{weight, safe},
                                  {n.i64Attr("axis", 0)});
  if (succeeded(w) && options.ignoreIndex)
    w = *w ? n.create<graph::WhereOp>(
                 ValueRange{*valid, *w, n.scalarConstant(element, 0)})
           : castTo(n, *valid, element);
  if (failed(w))
    return failure();
  if (*w)
    loss = n.create<graph::MulOp>(ValueRange{*loss, *w});
  if (failed(loss) || options.reduction == "none")
    return loss;

  SmallVector<int64_t> all;
  for (int64_t d = 0; d < cast<RankedTensorType>(loss->getType()).getRank();
       ++d)
    all.push_back(d);
  auto total = [&](Value v) {
    return n.create<graph::ReduceSumOp>(
        v, {n.i64ArrayAttr("axes", all), n.boolAttr("keepdims", false)});
  };
  FailureOr<Value> sum = total(*loss);
  if (failed(sum) || options.reduction == "sum")
    return sum;
  if (!*w)
    return n.create<graph::ReduceMeanOp>(
        *loss, {n.i64ArrayAttr("axes", all), n.boolAttr("keepdims", false)});
  FailureOr<Value> count = total(*w);
  if (failed(count))
    return failure();
  return n.create<graph::DivOp>(ValueRange{*sum, *count});
}

LogicalResult importNegativeLogLikelihoodLoss(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<LossOptions> options = readLossOptions(n);
  if (failed(options) ||
      failed(checkLossOperands(n, n.inputType(0), n.inputType(1),
                               n.hasInput(2) ? n.inputType(2)
                                             : RankedTensorType())))
    return failure();
  return setCreated(n,
                    nllLoss(n, n.input(0), n.input(1), n.input(2), *options));
}

LogicalResult importSoftmaxCrossEntropyLoss(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<LossOptions> options = readLossOptions(n);
  if (failed(options) ||
      failed(checkLossOperands(n, n.inputType(0), n.inputType(1),
                               n.hasInput(2) ? n.inputType(2)
                                             : RankedTensorType())))
    return failure();
  FailureOr<Value> logProb =
      n.create<graph::LogSoftmaxOp>(n.input(0), {n.i64Attr("axis", 1)});
  if (failed(logProb))
    return failure();
  FailureOr<Value> loss =
      nllLoss(n, *logProb, n.input(1), n.input(2), *options);
  if (failed(loss))
    return failure();
  if (wantsOutput(n, 1))
    return n.setResults({*loss, *logProb});
  return n.setResult(*loss);
}

} // namespace

void dlc::registerLossOps(OpTable &t) {
  t.add("NegativeLogLikelihoodLoss", 12, kMaxOpset,
        importNegativeLogLikelihoodLoss);
  t.add("SoftmaxCrossEntropyLoss", 12, kMaxOpset,
        importSoftmaxCrossEntropyLoss);
}
