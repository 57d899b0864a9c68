//===- dlc-opt.cpp - the dlc pass driver ----------------------------------===//
//
// mlir-opt for dlc: registers only the dialects and passes dlc uses.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/CPUTarget.h"
#include "dlc/Dialect/Graph/GraphDialect.h"
#include "dlc/Dialect/Kernel/KernelDialect.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<dlc::graph::GraphDialect, dlc::kernel::KernelDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect,
                  mlir::nvgpu::NVGPUDialect, mlir::vector::VectorDialect>();
  dlc::codegen::registerCodegenDialects(registry);
  dlc::codegen::registerCodegenPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dlc pass driver\n", registry));
}
