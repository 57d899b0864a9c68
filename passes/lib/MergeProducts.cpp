//===- MergeProducts.cpp - products sharing an input become one -----------===//
//
// MatMuls that read the same activation X with constant f32 weights
// W_i[K][N_i] (the query, key and value projections of attention) become
// one MatMul with the weights concatenated along N at compile time, and a
// Slice of its result per original product. When every product is followed
// by an Add of a constant bias [N_i], the biases are concatenated too and
// the Add applies to the merged product (its epilogue). One kernel with
// N = sum N_i instead of several: fewer launches and more parallel work;
// the slices are views, read in place by their consumers.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "dlc/Passes/Passes.h"
#include "llvm/ADT/MapVector.h"

namespace dlc {
#define GEN_PASS_DEF_MERGEPRODUCTS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

DenseElementsAttr f32Constant(Value v) {
  auto attr = dyn_cast_or_null<DenseElementsAttr>(graph::getConstantValue(v));
  return attr && attr.getElementType().isF32() ? attr : nullptr;
}

struct Product {
  graph::MatMulOp op;
  DenseElementsAttr weight, bias;
  graph::AddOp add; // the bias add, if any
};

struct MergeProductsPass : dlc::impl::MergeProductsBase<MergeProductsPass> {
  void runOnOperation() override {
    llvm::MapVector<Value, SmallVector<Product>> byInput;
    getOperation().walk([&](graph::MatMulOp mm) {
      DenseElementsAttr w = f32Constant(mm.getRhs());
      auto xt = dyn_cast<RankedTensorType>(mm.getLhs().getType());
      if (!w || w.getType().getRank() != 2 || !xt || xt.getRank() < 2 ||
          !xt.getElementType().isF32())
        return;
      Product p{mm, w, nullptr, nullptr};
      if (mm->hasOneUse())
        if (auto add = dyn_cast<graph::AddOp>(*mm->getUsers().begin())) {
          Value other = add.getLhs() == mm.getResult() ? add.getRhs()
                                                       : add.getLhs();
          DenseElementsAttr b = f32Constant(other);
          if (b && b.getType().getRank() == 1 &&
              b.getType().getDimSize(0) == w.getType().getDimSize(1) &&
              add.getType() == mm.getType()) {
            p.bias = b;
            p.add = add;
          }
        }
      byInput[mm.getLhs()].push_back(p);
    });
    for (auto &[x, products] : byInput) {
      if (products.size() < 2)
        continue;
      int64_t k = products.front().weight.getType().getDimSize(0);
      bool allBias = llvm::all_of(products, [](auto &p) { return p.add; });
      bool sameK = llvm::all_of(products, [&](auto &p) {
        return p.weight.getType().getDimSize(0) == k;
      });
      if (!sameK)
        continue;
      if (!allBias)
        for (auto &p : products)
          p.add = nullptr;
      merge(x, products, k, allBias);
    }
  }

  void merge(Value x, MutableArrayRef<Product> products, int64_t k,
             bool bias) {
    int64_t n = 0;
    for (Product &p : products)
      n += p.weight.getType().getDimSize(1);
    SmallVector<float> w(k * n), b;
    int64_t off = 0;
    for (Product &p : products) {
      int64_t ni = p.weight.getType().getDimSize(1);
      auto values = llvm::to_vector(p.weight.getValues<float>());
      for (int64_t r = 0; r < k; ++r)
        for (int64_t c = 0; c < ni; ++c)
          w[r * n + off + c] = values[r * ni + c];
      if (bias)
        llvm::append_range(b, p.bias.getValues<float>());
      off += ni;
    }
    // At the first product (X is defined before it); the slices replace
    // values that are all defined after it.
    Operation *first = products.front().op;
    for (Product &p : products)
      if (p.op->isBeforeInBlock(first))
        first = p.op;
    OpBuilder builder(first);
    SmallVector<Location> locs;
    for (Product &p : products) {
      locs.push_back(p.op.getLoc());
      if (p.add)
        locs.push_back(p.add.getLoc());
    }
    Location loc = builder.getFusedLoc(locs);
    Builder &bb = builder;
    auto wType = RankedTensorType::get({k, n}, bb.getF32Type());
    Value wv = graph::ConstantOp::create(
        builder, loc, wType, DenseElementsAttr::get(wType, ArrayRef<float>(w)));
    auto xt = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> shape(xt.getShape());
    shape.back() = n;
    auto mType = RankedTensorType::get(shape, bb.getF32Type());
    Value merged = graph::MatMulOp::create(builder, loc, mType, x, wv);
    if (bias) {
      auto bType = RankedTensorType::get({n}, bb.getF32Type());
      Value bv = graph::ConstantOp::create(
          builder, loc, bType,
          DenseElementsAttr::get(bType, ArrayRef<float>(b)));
      merged = graph::AddOp::create(builder, loc, mType, merged, bv);
    }
    int64_t rank = cast<RankedTensorType>(merged.getType()).getRank();
    off = 0;
    for (Product &p : products) {
      int64_t ni = p.weight.getType().getDimSize(1);
      auto mt = cast<RankedTensorType>(merged.getType());
      SmallVector<int64_t> shape(mt.getShape());
      shape.back() = ni;
      Value slice = graph::SliceOp::create(
          builder, p.add ? p.add.getLoc() : p.op.getLoc(),
          RankedTensorType::get(shape, mt.getElementType()), merged,
          bb.getDenseI64ArrayAttr({off}), bb.getDenseI64ArrayAttr({off + ni}),
          bb.getDenseI64ArrayAttr({rank - 1}), bb.getDenseI64ArrayAttr({1}));
      off += ni;
      if (p.add) {
        p.add.getResult().replaceAllUsesWith(slice);
        p.add->erase();
      } else {
        p.op.getResult().replaceAllUsesWith(slice);
      }
    }
    // Erased last: the builder inserts before the first product.
    for (Product &p : products)
      if (p.op->use_empty())
        p.op->erase();
  }
};

} // namespace
