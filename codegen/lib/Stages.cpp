//===- Stages.cpp - the named stages of a compile -------------------------===//

#include "dlc/Codegen/Stages.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using llvm::Error;
using llvm::StringRef;

namespace dlc::codegen {

static Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

// The stages shared by the targets.
static constexpr StageInfo kImport = {
    "import", "the ONNX model imported and verified (graph dialect)", "mlir"};
static constexpr StageInfo kGraphToLinalg = {
    "graph-to-linalg", "dlc-graph-to-linalg-pipeline: linalg on tensors",
    "mlir"};
static constexpr StageInfo kGPUBufferize = {
    "gpu-bufferize",
    "dlc-gpu-bufferize-pipeline: kernels, buffers, weights blob", "mlir"};
static constexpr StageInfo kGPUMap = {
    "gpu-map", "dlc-gpu-map-pipeline: loops mapped to blocks and threads",
    "mlir"};
static constexpr StageInfo kGPUOutline = {
    "gpu-outline",
    "dlc-gpu-outline-pipeline: kernels in one gpu.module, launch calls",
    "mlir"};
static constexpr StageInfo kGPUHostToLLVM = {
    "gpu-host-to-llvm",
    "dlc-gpu-host-to-llvm-pipeline: the host code in the LLVM dialect", "mlir"};
static constexpr StageInfo kLLVMTranslate = {
    "llvm-translate",
    "LLVM IR of the host code with the entry point and descriptor", "ll"};
static constexpr StageInfo kLLVMOpt = {
    "llvm-opt", "LLVM's O3 pipeline on the host code", "ll"};
static constexpr StageInfo kLLVMCodegen = {
    "llvm-codegen", "the host object (LLVM's x86 back end)", ""};
static constexpr StageInfo kArchive = {
    "archive", "the library, header and weights written", ""};

static constexpr StageInfo kCPUStages[] = {
    kImport,
    kGraphToLinalg,
    {"cpu-bufferize",
     "dlc-cpu-bufferize-pipeline: kernels, buffers, CPU contraction kernels, "
     "memory plan",
     "mlir"},
    {"cpu-to-llvm",
     "dlc-cpu-to-llvm-pipeline: parallel loops outlined, the LLVM dialect",
     "mlir"},
    kLLVMTranslate,
    kLLVMOpt,
    kLLVMCodegen,
    kArchive};

static constexpr StageInfo kGPUEmuStages[] = {
    kImport,
    kGraphToLinalg,
    kGPUBufferize,
    kGPUMap,
    {"gpu-emu-to-llvm",
     "dlc-gpu-emu-to-llvm-pipeline: launches as host loops, the LLVM dialect",
     "mlir"},
    kLLVMTranslate,
    kLLVMOpt,
    kLLVMCodegen,
    kArchive};

static constexpr StageInfo kCudaStages[] = {
    kImport,
    kGraphToLinalg,
    kGPUBufferize,
    kGPUMap,
    kGPUOutline,
    {"gpu-kernels-to-nvvm",
     "dlc-gpu-kernels-to-nvvm-pipeline: the kernels in the NVVM dialect",
     "mlir"},
    {"gpu-codegen", "PTX per architecture (LLVM's O3 and NVPTX back end)", ""},
    {"ptxas", "a cubin per architecture (ptxas -O3)", ""},
    kGPUHostToLLVM,
    kLLVMTranslate,
    kLLVMOpt,
    kLLVMCodegen,
    kArchive};

static constexpr StageInfo kRocmStages[] = {
    kImport,
    kGraphToLinalg,
    kGPUBufferize,
    kGPUMap,
    kGPUOutline,
    {"gpu-kernels-to-rocdl",
     "dlc-gpu-kernels-to-rocdl-pipeline: the kernels in the ROCDL dialect, "
     "per architecture",
     "mlir"},
    {"gpu-codegen",
     "AMDGPU assembly and object per architecture (LLVM's O3 and AMDGPU "
     "back end)",
     ""},
    {"ld.lld", "a code object (HSACO) per architecture", ""},
    kGPUHostToLLVM,
    kLLVMTranslate,
    kLLVMOpt,
    kLLVMCodegen,
    kArchive};

llvm::ArrayRef<StageInfo> stagesOf(StringRef target) {
  if (target == "gpu-emu")
    return kGPUEmuStages;
  if (target == "cuda")
    return kCudaStages;
  if (target == "rocm" || target == "hip")
    return kRocmStages;
  return kCPUStages;
}

std::string dumpableStageNames(llvm::ArrayRef<StageInfo> stages) {
  std::string names;
  for (const StageInfo &s : stages)
    if (!s.ir.empty())
      names += (names.empty() ? "" : ", ") + s.name.str();
  return names;
}

CompileObserver::CompileObserver(llvm::ArrayRef<StageInfo> stages)
    : stages(stages) {}

Error CompileObserver::setDumps(llvm::ArrayRef<std::string> names,
                                std::string dir) {
  for (const std::string &name : names) {
    const StageInfo *info = llvm::find_if(
        stages, [&](const StageInfo &s) { return s.name == name; });
    if (info == stages.end())
      return makeError("--dump-after: unknown stage '" + name +
                       "'; the stages with IR of this target are: " +
                       dumpableStageNames(stages));
    if (info->ir.empty())
      return makeError("--dump-after: stage '" + name +
                       "' produces no IR; the stages with IR of this target "
                       "are: " +
                       dumpableStageNames(stages));
    dumps.insert(name);
  }
  dumpDir = std::move(dir);
  if (!dumpDir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dumpDir))
      return makeError("--dump-dir: cannot create folder '" + dumpDir +
                       "': " + ec.message());
  return Error::success();
}

TimingScope CompileObserver::begin(StringRef stage, StringRef detail) {
  if (onStage)
    onStage(stage, detail);
  if (!root)
    return TimingScope();
  return root.nest(detail.empty() ? stage.str()
                                  : (stage + " (" + detail + ")").str());
}

void CompileObserver::enablePassTiming(PassManager &pm, TimingScope &stage) {
  if (stage)
    pm.enableTiming(stage);
}

std::string CompileObserver::dumpPath(StringRef stage, StringRef detail,
                                      StringRef extension) const {
  if (!dumps.contains(stage))
    return "";
  if (dumpDir.empty())
    return "-";
  size_t index = 0;
  while (index < stages.size() && stages[index].name != stage)
    ++index;
  llvm::SmallString<256> path(dumpDir);
  llvm::sys::path::append(path, llvm::formatv("{0:d2}-{1}{2}{3}.{4}", index + 1,
                                              stage, detail.empty() ? "" : ".",
                                              detail, extension)
                                    .str());
  return path.str().str();
}

std::vector<std::string> CompileObserver::dumpsNotWritten() const {
  std::vector<std::string> names;
  for (const StageInfo &s : stages)
    if (dumps.contains(s.name) && !written.contains(s.name))
      names.push_back(s.name.str());
  return names;
}

Error CompileObserver::write(
    StringRef stage, StringRef path,
    llvm::function_ref<void(llvm::raw_ostream &)> print) {
  written.insert(stage);
  if (path == "-") {
    if (beforeStderr)
      beforeStderr();
    llvm::errs() << "// ----- IR after stage " << stage << " ----- //\n";
    print(llvm::errs());
    return Error::success();
  }
  if (Error e = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        print(os);
        return Error::success();
      }))
    return makeError("--dump-after: cannot write '" + path +
                     "': " + llvm::toString(std::move(e)));
  return Error::success();
}

Error CompileObserver::irAfter(StringRef stage, Operation *op,
                               StringRef detail) {
  std::string path = dumpPath(stage, detail, "mlir");
  if (path.empty())
    return Error::success();
  OpPrintingFlags flags;
  if (elideConstants > 0)
    flags.elideLargeElementsAttrs(elideConstants);
  return write(stage, path, [&](llvm::raw_ostream &os) {
    op->print(os, flags);
    os << "\n";
  });
}

Error CompileObserver::irAfter(StringRef stage, const llvm::Module &module,
                               StringRef detail) {
  std::string path = dumpPath(stage, detail, "ll");
  if (path.empty())
    return Error::success();
  return write(stage, path,
               [&](llvm::raw_ostream &os) { module.print(os, nullptr); });
}

} // namespace dlc::codegen
