//===- Scatter.cpp - graph.scatter to a sequential loop -------------------===//
//
// graph.scatter with a reduction becomes a copy of the data (a parallel
// linalg.copy) and an scf.for over the updates that reads each offset,
// combines and inserts, in order: duplicate offsets see the earlier writes.
// On the GPU back ends the loop is a one-thread kernel (dlc-gpu-map-loops).
// Without a reduction the writes are independent and run as an scf.forall
// (a parallel loop after bufferization: one thread per update on the GPU).
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph_to_linalg;

namespace {

/// `old` combined with `update` by `reduction` (not "none").
Value combine(OpBuilder &b, Location loc, StringRef reduction, Value old,
              Value update, bool isUns) {
  bool isFloat = isa<FloatType>(old.getType());
  if (reduction == "add")
    return isFloat ? arith::AddFOp::create(b, loc, old, update).getResult()
                   : arith::AddIOp::create(b, loc, old, update).getResult();
  if (reduction == "mul")
    return isFloat ? arith::MulFOp::create(b, loc, old, update).getResult()
                   : arith::MulIOp::create(b, loc, old, update).getResult();
  if (reduction == "max") {
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, old, update).getResult();
    return isUns ? arith::MaxUIOp::create(b, loc, old, update).getResult()
                 : arith::MaxSIOp::create(b, loc, old, update).getResult();
  }
  if (isFloat)
    return arith::MinimumFOp::create(b, loc, old, update).getResult();
  return isUns ? arith::MinUIOp::create(b, loc, old, update).getResult()
               : arith::MinSIOp::create(b, loc, old, update).getResult();
}

struct ScatterPattern : OpConversionPattern<graph::ScatterOp> {
  using OpConversionPattern::OpConversionPattern;

  /// Without a reduction the writes are independent (ONNX leaves duplicate
  /// indices undefined): an scf.forall over the updates, each inserting its
  /// element into a copy of the data with one spare element at the end,
  /// which takes the writes whose offset is out of range.
  static Value parallelScatter(OpBuilder &b, Location loc,
                               RankedTensorType type, OpAdaptor adaptor) {
    int64_t size = type.getDimSize(0);
    int64_t count =
        cast<RankedTensorType>(adaptor.getOffsets().getType()).getDimSize(0);
    auto padded = RankedTensorType::get({size + 1}, type.getElementType());
    Value work = tensor::InsertSliceOp::create(
        b, loc, adaptor.getData(), emptyTensor(b, loc, padded),
        ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    Value offsets = adaptor.getOffsets(), updates = adaptor.getUpdates();
    auto loop = scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(count)},
        ValueRange{work}, std::nullopt,
        [&](OpBuilder &lb, Location l, ValueRange args) {
          Value i = args[0], out = args[1];
          Value offset = arith::IndexCastOp::create(
              lb, l, lb.getIndexType(),
              tensor::ExtractOp::create(lb, l, offsets, i).getResult());
          Value spare = indexConst(lb, l, size);
          Value inRange = arith::CmpIOp::create(
              lb, l, arith::CmpIPredicate::ult, offset, spare);
          offset = arith::SelectOp::create(lb, l, inRange, offset, spare);
          Value one = tensor::ExtractSliceOp::create(
              lb, l, updates, ArrayRef<OpFoldResult>{i},
              ArrayRef<OpFoldResult>{lb.getIndexAttr(1)},
              ArrayRef<OpFoldResult>{lb.getIndexAttr(1)});
          auto inParallel = scf::InParallelOp::create(lb, l);
          OpBuilder::InsertionGuard guard(lb);
          lb.setInsertionPointToStart(inParallel.getBody());
          tensor::ParallelInsertSliceOp::create(
              lb, l, one, out, ArrayRef<OpFoldResult>{offset},
              ArrayRef<OpFoldResult>{lb.getIndexAttr(1)},
              ArrayRef<OpFoldResult>{lb.getIndexAttr(1)});
        });
    return tensor::ExtractSliceOp::create(
        b, loc, type, loop.getResult(0),
        ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }
  LogicalResult
  matchAndRewrite(graph::ScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = signlessType(op.getType());
    bool isUns = isUnsignedElement(op.getType());
    StringRef reduction = op.getReduction();
    int64_t size = type.getDimSize(0);
    int64_t count =
        cast<RankedTensorType>(op.getOffsets().getType()).getDimSize(0);
    Location loc = op.getLoc();
    if (reduction == "none") {
      rewriter.replaceOp(op, parallelScatter(rewriter, loc, type, adaptor));
      return success();
    }
    Value copy =
        linalg::CopyOp::create(rewriter, loc, adaptor.getData(),
                               emptyTensor(rewriter, loc, type))
            .getResult(0);
    Value offsets = adaptor.getOffsets(), updates = adaptor.getUpdates();
    auto loop = scf::ForOp::create(
        rewriter, loc, indexConst(rewriter, loc, 0),
        indexConst(rewriter, loc, count), indexConst(rewriter, loc, 1),
        ValueRange{copy},
        [&](OpBuilder &b, Location l, Value i, ValueRange iter) {
          Value out = iter[0];
          Value offset = arith::IndexCastOp::create(
              b, l, b.getIndexType(),
              tensor::ExtractOp::create(b, l, offsets, i).getResult());
          // Unsigned: a negative offset is out of range too.
          Value inRange =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, offset,
                                    indexConst(b, l, size));
          auto guard = scf::IfOp::create(
              b, l, inRange,
              [&](OpBuilder &tb, Location tl) {
                Value v =
                    tensor::ExtractOp::create(tb, tl, updates, i).getResult();
                if (reduction != "none")
                  v = combine(
                      tb, tl, reduction,
                      tensor::ExtractOp::create(tb, tl, out, offset).getResult(),
                      v,
                      isUns);
                Value next =
                    tensor::InsertOp::create(tb, tl, v, out, offset)
                        .getResult();
                scf::YieldOp::create(tb, tl, next);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, out);
              });
          scf::YieldOp::create(b, l, guard.getResult(0));
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

} // namespace

void dlc::graph_to_linalg::populateGraphToLinalgScatterPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ScatterPattern>(converter, patterns.getContext());
}
