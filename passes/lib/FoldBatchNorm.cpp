//===- FoldBatchNorm.cpp - inference BatchNormalization into convolutions -===//
//
// BatchNormalization of a Conv's output, with constant parameters, becomes
// the Conv's own weights and bias: with s = scale / sqrt(var + eps),
//   W'[f] = W[f] * s[f],  b'[f] = (b[f] - mean[f]) * s[f] + bias[f].
// One kernel less per pair, and no normalization at run time.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "dlc/Passes/Passes.h"
#include <cmath>

namespace dlc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The f32 values of a constant operand, or nothing.
std::optional<SmallVector<float>> floats(Value v) {
  auto attr = dyn_cast_or_null<DenseElementsAttr>(
      dlc::graph::getConstantValue(v));
  if (!attr || !attr.getElementType().isF32())
    return std::nullopt;
  return llvm::to_vector(attr.getValues<float>());
}

struct FoldBatchNormPass
    : dlc::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<dlc::graph::BatchNormOp> norms;
    getOperation().walk([&](dlc::graph::BatchNormOp bn) { norms.push_back(bn); });
    for (dlc::graph::BatchNormOp bn : norms) {
      auto conv = bn.getInput().getDefiningOp<dlc::graph::ConvOp>();
      if (!conv || !conv->hasOneUse())
        continue;
      auto wType = cast<RankedTensorType>(conv.getWeight().getType());
      auto w = floats(conv.getWeight()), b = floats(conv.getBias()),
           scale = floats(bn.getScale()), shift = floats(bn.getBias()),
           mean = floats(bn.getMean()), var = floats(bn.getVariance());
      int64_t f = wType.getDimSize(0);
      if (!w || !b || !scale || !shift || !mean || !var ||
          int64_t(b->size()) != f || int64_t(scale->size()) != f ||
          int64_t(shift->size()) != f || int64_t(mean->size()) != f ||
          int64_t(var->size()) != f || bn.getType() != conv.getType())
        continue;
      double eps = bn.getEpsilon().convertToDouble();
      int64_t per = int64_t(w->size()) / f;
      SmallVector<float> nw(*w), nb(f);
      for (int64_t i = 0; i < f; ++i) {
        double s = double((*scale)[i]) / std::sqrt(double((*var)[i]) + eps);
        for (int64_t j = 0; j < per; ++j)
          nw[i * per + j] = float(double((*w)[i * per + j]) * s);
        nb[i] = float((double((*b)[i]) - double((*mean)[i])) * s +
                      double((*shift)[i]));
      }
      OpBuilder builder(conv);
      auto bType = cast<RankedTensorType>(conv.getBias().getType());
      Value newW = dlc::graph::ConstantOp::create(
          builder, conv.getLoc(), wType,
          DenseElementsAttr::get(wType, ArrayRef<float>(nw)));
      Value newB = dlc::graph::ConstantOp::create(
          builder, conv.getLoc(), bType,
          DenseElementsAttr::get(bType, ArrayRef<float>(nb)));
      conv.getWeightMutable().assign(newW);
      conv.getBiasMutable().assign(newB);
      conv->setLoc(builder.getFusedLoc({conv.getLoc(), bn.getLoc()}));
      bn.getResult().replaceAllUsesWith(conv.getResult());
      bn->erase();
    }
  }
};

} // namespace
