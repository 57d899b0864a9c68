//===- GPULowerBF16Mma.cpp - bf16 mma.sync to NVVM ------------------------===//
//
// nvgpu.mma.sync m16n8k16 with bf16 inputs and f32 accumulators becomes
// nvvm.mma.sync (upstream's nvgpu lowering cannot deduce the bf16 PTX
// types): A's four and B's two registers of two bf16 each as i32, the
// accumulators as four f32, the result struct back into vector<2x2xf32>.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_GPULOWERBF16MMA
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct GPULowerBF16MmaPass
    : dlc::impl::GPULowerBF16MmaBase<GPULowerBF16MmaPass> {
  void runOnOperation() override {
    SmallVector<nvgpu::MmaSyncOp> ops;
    getOperation().walk([&](nvgpu::MmaSyncOp op) {
      if (cast<VectorType>(op.getMatrixA().getType()).getElementType().isBF16())
        ops.push_back(op);
    });
    for (nvgpu::MmaSyncOp op : ops) {
      auto a = cast<VectorType>(op.getMatrixA().getType());
      auto bt = cast<VectorType>(op.getMatrixB().getType());
      auto ct = cast<VectorType>(op.getMatrixC().getType());
      if (op.getMmaShapeAsArray() != std::array<int64_t, 3>{16, 8, 16} ||
          a.getShape() != ArrayRef<int64_t>{4, 2} ||
          bt.getShape() != ArrayRef<int64_t>{2, 2} ||
          ct.getShape() != ArrayRef<int64_t>{2, 2} ||
          !ct.getElementType().isF32()) {
        op.emitError("dlc-gpu-lower-bf16-mma: only m16n8k16 with f32 "
                     "accumulators is supported");
        return signalPassFailure();
      }
      OpBuilder b(op);
      Location loc = op.getLoc();
      Type i32 = b.getI32Type(), f32 = b.getF32Type();
      auto registers = [&](Value v, int64_t n) {
        SmallVector<Value> out;
        for (int64_t r = 0; r < n; ++r)
          out.push_back(LLVM::BitcastOp::create(
              b, loc, i32,
              vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{r})));
        return out;
      };
      SmallVector<Value> A = registers(op.getMatrixA(), 4);
      SmallVector<Value> B = registers(op.getMatrixB(), 2);
      SmallVector<Value> C;
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t e = 0; e < 2; ++e)
          C.push_back(vector::ExtractOp::create(b, loc, op.getMatrixC(),
                                                ArrayRef<int64_t>{r, e}));
      auto resultType =
          LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
      auto mma = NVVM::MmaOp::create(
          b, loc, resultType, A, B, C, ArrayRef<int64_t>{16, 8, 16},
          std::nullopt, std::nullopt,
          std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                        NVVM::MMATypes::bf16},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      Value d = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(ct, b.getZeroAttr(f32)));
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t e = 0; e < 2; ++e)
          d = vector::InsertOp::create(
              b, loc,
              LLVM::ExtractValueOp::create(b, loc, mma.getResult(),
                                           ArrayRef<int64_t>{r * 2 + e}),
              d, ArrayRef<int64_t>{r, e});
      op.replaceAllUsesWith(d);
      op.erase();
    }
  }
};

} // namespace
