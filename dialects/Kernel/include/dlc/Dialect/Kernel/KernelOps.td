//===- KernelOps.td - kernel dialect -----------------------*- tablegen -*-===//
//
// The kernel dialect makes the unit of code generation explicit: one
// `kernel.group` holds the tensor ops (linalg, tensor) that become one
// kernel of the inference, isolated from the function around it, with its
// operands and results explicit and its root op marked. dlc-form-kernels
// forms the groups on linalg-on-tensors; dlc-lower-kernels turns each group
// into the target's kernel (a tiled, fused loop nest) and removes it.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_KERNEL_KERNELOPS_TD
#define DLC_DIALECT_KERNEL_KERNELOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let cppNamespace = "::dlc::kernel";
  let summary = "Kernels as groups of tensor ops";
  let description = [{
    A `kernel.group` is one kernel: a root op (contraction, convolution,
    pooling, reduction, or an elementwise op) with the producers and
    consumers fused into it. The group is isolated from above: every value
    it reads is an operand, every value read after it is a result.
  }];
  let extraClassDeclaration = [{
    /// The unit attribute that marks a group's root op.
    static llvm::StringRef rootAttrName() { return "kernel.root"; }
  }];
}

class Kernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kernel_Dialect, mnemonic, traits>;

def Kernel_GroupOp : Kernel_Op<"group", [
    IsolatedFromAbove, RecursiveMemoryEffects,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "one kernel: a root op with its fused producers and consumers";
  let description = [{
    The region's block arguments are the operands, in order; `kernel.yield`
    returns the results. Exactly one op directly in the body carries the
    `kernel.root` unit attribute. `kind` names the kernel class:
    contraction, convolution, pooling, reduction, softmax, normalization,
    elementwise or data-movement.

    ```mlir
    %r = kernel.group "softmax" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
    ^bb0(%in: tensor<4x8xf32>):
      ...
      kernel.yield %v : tensor<4x8xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
    $body
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "llvm::StringRef":$kind, "mlir::ValueRange":$inputs,
                   "mlir::TypeRange":$resultTypes)>
  ];
  let extraClassDeclaration = [{
    /// The op marked `kernel.root` (null when the verifier would fail).
    mlir::Operation *getRoot();
    mlir::Block &getBodyBlock() { return getBody().front(); }
    /// The kinds a group may have.
    static llvm::ArrayRef<llvm::StringRef> kinds();
  }];
}

def Kernel_YieldOp : Kernel_Op<"yield", [
    Pure, Terminator, ReturnLike, HasParent<"GroupOp">]> {
  let summary = "the results of a kernel group";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let builders = [OpBuilder<(ins), [{ }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // DLC_DIALECT_KERNEL_KERNELOPS_TD
