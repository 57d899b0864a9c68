//===- CPUTarget.h - the CPU back end ---------------------------*- C++ -*-===//
//
// Lowers an imported graph module to an x86 object and packages it as a
// static library plus a C header that the dlc runtime drives:
//
//   graph --convert-graph-to-linalg--> linalg on tensors
//         --bufferize, results to out-params--> loops on memrefs
//         --LLVM dialect--> LLVM IR (+ entry wrapper and model descriptor)
//         --LLVM's x86 back end--> object --LLVM's archive writer--> lib.a
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_CPUTARGET_H
#define DLC_CODEGEN_CPUTARGET_H

#include "dlc/Codegen/Pipelines.h"
#include "dlc/Codegen/Stages.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <map>
#include <string>
#include <vector>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace dlc::codegen {

/// One graph input or output as the runtime sees it.
struct TensorSignature {
  std::string name;     ///< ONNX name
  int32_t dtype = 0;    ///< ONNX TensorProto data type
  llvm::SmallVector<int64_t> shape;
};

/// A kernel image a GPU model carries (dlc_gpu_image).
struct KernelImage {
  int32_t format = 0; ///< dlc_image_format: 1 cubin, 2 PTX, 3 HSACO
  std::string arch;   ///< sm_90, gfx942
  std::string data;   ///< the bytes (PTX text without the NUL)
};

/// The model's public interface, read from the graph function before it is
/// lowered.
/// One kernel of an inference, as dlc-describe-kernels lists it.
struct KernelInfo {
  std::vector<std::string> nodes; ///< ONNX nodes it computes
  std::string kind;               ///< contraction, convolution, elementwise...
  std::string strategy;           ///< how it is compiled
  std::string precision;          ///< fp32, tf32, fp16, bf16 (products: the
                                  ///< inputs' type; accumulation is f32)
  std::vector<int64_t> tiles;     ///< CPU contractions: mr, nr, panels/task
  int64_t flops = 0, bytes = 0;
};

struct ModelSignature {
  std::string name; ///< C identifier used as the symbol prefix
  std::vector<TensorSignature> inputs, outputs;
  uint64_t weightBytes = 0;
  uint64_t arenaBytes = 0;
  /// With external weights: the blob written next to the library as
  /// `<name>.weights` and loaded by the runtime at create.
  bool externalWeights = false;
  /// Constants are gathered into `weightsBlob` (always for GPU targets,
  /// whose kernels read weights from device memory); without
  /// externalWeights the blob is embedded in the object.
  bool weightsAsBlob = false;
  std::vector<char> weightsBlob;
  /// dlc_device_kind of the artifact: 1 cpu, 2 cuda, 3 hip.
  int32_t deviceKind = 1;
  /// GPU models: kernel images and kernel names (dlc_gpu_launch indices).
  std::vector<KernelImage> images;
  std::vector<std::string> kernelNames;
  /// GPU models: the kernels running on tensor cores (their kind, e.g.
  /// "mma.sync", by kernel name).
  std::map<std::string, std::string> tensorCoreKernels;
  /// CPU: the kernels of one inference in order (dlc --explain, profiles).
  std::vector<KernelInfo> kernels;
};

/// Which kernels compute in a narrower type (dlc-assign-precision).
struct PrecisionOptions {
  /// fp32 (the model's own types), tf32, fp16 or bf16.
  std::string precision = "fp32";
  /// ONNX node names whose products stay f32.
  std::vector<std::string> keepFp32;
  /// Products summing fewer terms per output stay f32.
  int64_t minReductionTerms = 32;
  /// The interface types: model (its own), fp16 or bf16 (every f32 input
  /// and output).
  std::string ioPrecision = "model";
};

/// Checks an --io-precision value: model, fp16 or bf16.
llvm::Error checkIOPrecision(llvm::StringRef ioPrecision);

/// The element types of `signature`'s tensors as @main of `module` has
/// them now (after --io-precision changed them).
void updateInterfaceTypes(mlir::ModuleOp module, ModelSignature &signature);

/// Checks a --precision value: fp32, tf32, fp16 or bf16.
llvm::Error checkPrecision(llvm::StringRef precision);

/// Options of the CPU target.
struct CPUOptions {
  PrecisionOptions precision;
  std::string cpu = "host";   ///< LLVM CPU name, or "host"
  std::string features;       ///< extra LLVM target features (+avx2,...)
  /// Contractions as register-tiled vector kernels (dlc-cpu-tile-contractions);
  /// off: the loop nests LLVM vectorizes by itself.
  bool tileContractions = true;
  /// Bracket every kernel with dlc_profile_enter/exit(id) calls.
  bool profile = false;
  /// Record the stack frame of every function the x86 back end emits.
  bool measureStackFrames = false;
  /// Times the stages and dumps their IR (null: nothing observed).
  CompileObserver *observer = nullptr;
};

/// The bound on any stack allocation of generated host code, and on the
/// sum per function (dlc-check-stack-frames' default): problem-sized
/// buffers live in the arena or on the heap.
constexpr int64_t kMaxStackFrameBytes = 64 * 1024;

/// One function's stack frame as the x86 back end laid it out
/// (MachineFrameInfo: spills, locals, fixed allocas; the return address
/// not included). `dynamic`: it also allocates at run time.
struct StackFrame {
  std::string function;
  uint64_t bytes = 0;
  bool dynamic = false;
};

/// "TOOL: stack frames: N functions, largest B bytes (F)" and a line for
/// every frame over `bound` bytes or dynamic; returns how many those are.
unsigned printStackFrames(llvm::raw_ostream &os, llvm::StringRef tool,
                          const std::vector<StackFrame> &frames,
                          uint64_t bound = kMaxStackFrameBytes);

/// Registers the dialects and interfaces the CPU pipeline needs.
void registerCodegenDialects(mlir::DialectRegistry &registry);
/// Registers the upstream passes of the pipeline (for dlc-opt).
void registerCodegenPasses();

/// Reads the signature of `@main` (the imported graph function).
llvm::Expected<ModelSignature> readSignature(mlir::ModuleOp module,
                                             llvm::StringRef name);

/// Runs the passes `build` adds (one of the builders of Pipelines.h) on
/// `module` as the stage `stage` of the compile (`detail`: e.g. the
/// architecture of a stage run once per architecture), timed and dumped
/// by `observer` when given.
mlir::LogicalResult
runPipeline(mlir::ModuleOp module, llvm::StringRef stage,
            llvm::function_ref<void(mlir::OpPassManager &)> build,
            CompileObserver *observer = nullptr, llvm::StringRef detail = "");

/// graph -> linalg on tensors (dlc-graph-to-linalg-pipeline).
mlir::LogicalResult lowerToLinalg(mlir::ModuleOp module,
                                  bool mergeProducts = true,
                                  CompileObserver *observer = nullptr,
                                  const PrecisionOptions &precision = {});
/// linalg on tensors -> LLVM dialect (dlc-cpu-bufferize-pipeline, then
/// dlc-cpu-to-llvm-pipeline). The graph function is renamed to
/// `<name>_forward` and takes bare pointers: inputs, outputs, the arena, the
/// weights blob and the runtime's execution context. Fills the signature's
/// arena size, kernel list and, with external weights, its blob.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       ModelSignature &signature,
                                       const CPUOptions &options = {});
/// The dlc-cpu-tile-contractions options for the CPU of `options` (vector
/// width and registers); tile-contractions stays off when the kernels are
/// off or the CPU lacks AVX2 and FMA.
llvm::Error setCPUKernelOptions(const CPUOptions &options,
                                BufferizePipelineOptions &bufferize);
/// Reads the module's `dlc.kernels` list into `signature.kernels`.
void readKernels(mlir::ModuleOp module, ModelSignature &signature);
/// Runs the bufferize pipeline (stage `stage`), then fills the signature's
/// arena size and, with weightsAsBlob, its weights blob (the constant
/// globals the memory plan placed in the blob are erased).
mlir::LogicalResult bufferizeModel(mlir::ModuleOp module,
                                   ModelSignature &signature,
                                   llvm::StringRef stage,
                                   const BufferizePipelineOptions &options,
                                   CompileObserver *observer = nullptr);

/// Translates to LLVM IR and adds `<name>_entry` and `<name>_info`.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  ModelSignature &signature, const CPUOptions &options);

/// The host's (or `options.cpu`'s) LLVM target machine at -O3, PIC.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CPUOptions &options);

/// Optimizes and compiles to an ELF object in memory; with
/// `options.measureStackFrames`, fills `frames` (when given)
/// (EmitObject.cpp).
llvm::Expected<llvm::SmallVector<char, 0>>
emitObject(llvm::Module &module, const CPUOptions &options,
           std::vector<StackFrame> *frames = nullptr);

/// Writes a static library holding one object straight to `path` (through
/// a temporary file renamed into place): no second in-memory copy of a
/// weight-sized object.
llvm::Error writeArchiveFile(llvm::StringRef path, llvm::StringRef objectName,
                             llvm::ArrayRef<char> object);

/// The C header declaring the model's descriptor and typed wrappers.
std::string generateHeader(const ModelSignature &signature,
                           llvm::StringRef modelPath);

/// A model compiled to an object in memory.
struct CompiledModel {
  ModelSignature signature;
  llvm::SmallVector<char, 0> object;
  std::vector<StackFrame> stackFrames; ///< with measureStackFrames
};

/// Every step from the imported graph module to the object (the module is
/// lowered in place). Errors go to the context's diagnostics or the result.
llvm::Expected<CompiledModel> compileForCPU(mlir::ModuleOp module,
                                            llvm::StringRef name,
                                            const CPUOptions &options);

/// A C identifier from an arbitrary name.
std::string sanitizeIdentifier(llvm::StringRef name);

} // namespace dlc::codegen

#endif // DLC_CODEGEN_CPUTARGET_H
