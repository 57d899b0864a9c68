//===- GPUTarget.cpp - the NVIDIA and AMD GPU back ends -------------------===//

#include "dlc/Codegen/GPUTarget.h"
#include "dlc/Codegen/Pipelines.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/ROCDL/ROCDLToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include <algorithm>
#include <cstdlib>

using namespace mlir;
using llvm::Error;
using llvm::Expected;
using llvm::SmallVector;
using llvm::StringRef;

namespace dlc::codegen {

static Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

void registerGPUDialects(DialectRegistry &registry) {
  registry.insert<gpu::GPUDialect, NVVM::NVVMDialect, ROCDL::ROCDLDialect,
                  amdgpu::AMDGPUDialect>();
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  registerROCDLDialectTranslation(registry);
}

static const char *tripleOf(GPUVendor vendor) {
  return vendor == GPUVendor::NVIDIA ? "nvptx64-nvidia-cuda"
                                     : "amdgcn-amd-amdhsa";
}

static Expected<std::unique_ptr<llvm::TargetMachine>>
createGPUTargetMachine(GPUVendor vendor, StringRef arch) {
  static bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple(tripleOf(vendor));
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return makeError("this LLVM has no " + triple.str() + " target: " + error);
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, arch, "", options, std::nullopt, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm || !tm->getMCSubtargetInfo()->isCPUStringValid(arch))
    return makeError("unknown " +
                     StringRef(vendor == GPUVendor::NVIDIA ? "NVIDIA" : "AMD") +
                     " GPU architecture '" + arch + "'");
  return tm;
}

Expected<GPUOptions> parseGPUTarget(StringRef target) {
  GPUOptions options;
  if (target == "gpu-emu") {
    options.vendor = GPUVendor::Emulated;
    return options;
  }
  auto [kind, list] = target.split(':');
  if (kind == "cuda")
    options.vendor = GPUVendor::NVIDIA;
  else if (kind == "rocm" || kind == "hip")
    options.vendor = GPUVendor::AMD;
  else
    return makeError("unknown --target '" + target +
                     "' (supported: cpu, cuda:sm_XY[,sm_XY...], "
                     "rocm:gfxNNN[,gfxNNN...], gpu-emu)");
  if (list.empty())
    return makeError("--target=" + kind + " needs architectures, e.g. " +
                     (kind == "cuda" ? "cuda:sm_80,sm_90" : "rocm:gfx942"));
  SmallVector<StringRef> archs;
  list.split(archs, ',');
  for (StringRef arch : archs) {
    arch = arch.trim();
    if (options.vendor == GPUVendor::NVIDIA) {
      unsigned sm = 0;
      StringRef digits = arch;
      if (!digits.consume_front("sm_") ||
          digits.drop_back(digits.ends_with("a") ? 1 : 0).getAsInteger(10, sm))
        return makeError("--target=cuda: '" + arch +
                         "' is not an NVIDIA architecture (sm_80, sm_90, ...)");
      if (sm < 75)
        return makeError("--target=cuda: " + arch +
                         " is not supported (the oldest is sm_75)");
    } else if (!arch.starts_with("gfx")) {
      return makeError("--target=rocm: '" + arch +
                       "' is not an AMD architecture (gfx90a, gfx942, ...)");
    }
    auto tm = createGPUTargetMachine(options.vendor, arch);
    if (!tm)
      return tm.takeError();
    options.archs.push_back(arch.str());
  }
  // Oldest first (numerically: sm_90 before sm_100): NVIDIA's fallback PTX
  // is the oldest architecture's, which newer GPUs JIT-compile.
  auto number = [](StringRef arch) {
    unsigned n = 0;
    arch.drop_while([](char c) { return !llvm::isDigit(c); })
        .take_while([](char c) { return llvm::isDigit(c); })
        .getAsInteger(10, n);
    return n;
  };
  llvm::sort(options.archs, [&](const std::string &a, const std::string &b) {
    return std::make_pair(number(a), a) < std::make_pair(number(b), b);
  });
  options.archs.erase(std::unique(options.archs.begin(), options.archs.end()),
                      options.archs.end());
  return options;
}

Error parseEmuCheck(StringRef spec, GPUOptions &options) {
  if (options.vendor != GPUVendor::Emulated)
    return makeError("--emu-check is for --target=gpu-emu");
  SmallVector<StringRef> items;
  spec.split(items, ',');
  bool order = false;
  for (StringRef item : items) {
    item = item.trim();
    if (item == "races") {
      options.emuCheckRaces = true;
      continue;
    }
    StringRef value = item;
    if (!value.consume_front("order="))
      return makeError("--emu-check: unknown item '" + item +
                       "' (expected races, order=forward, order=reverse or "
                       "order=shuffle:SEED)");
    order = true;
    auto [kind, seed] = value.split(':');
    if (kind == "shuffle") {
      options.emuThreadOrder = "shuffle";
      options.emuSeed = 0;
      if (!seed.empty() && seed.getAsInteger(10, options.emuSeed))
        return makeError("--emu-check: the shuffle seed '" + seed +
                         "' is not a number");
    } else if ((kind == "forward" || kind == "reverse") && seed.empty()) {
      options.emuThreadOrder = kind.str();
    } else {
      return makeError("--emu-check: unknown order '" + value +
                       "' (forward, reverse or shuffle:SEED)");
    }
  }
  if (options.emuCheckRaces && !order)
    options.emuThreadOrder = "reverse";
  return Error::success();
}

/// Lowers a copy of the kernel module for one vendor (and AMD chip) and
/// translates it to LLVM IR.
static Expected<std::unique_ptr<llvm::Module>>
lowerKernels(gpu::GPUModuleOp kernels, GPUVendor vendor, StringRef arch,
             llvm::LLVMContext &llvmContext, CompileObserver *observer) {
  MLIRContext *ctx = kernels.getContext();
  OwningOpRef<ModuleOp> holder = ModuleOp::create(UnknownLoc::get(ctx));
  holder->getBody()->push_back(kernels->clone());
  auto build = [&](OpPassManager &pm) {
    if (vendor == GPUVendor::NVIDIA)
      return buildGPUKernelsToNVVMPipeline(pm);
    GPUKernelsPipelineOptions options;
    options.chipset = arch.str();
    buildGPUKernelsToROCDLPipeline(pm, options);
  };
  if (failed(runPipeline(*holder,
                         vendor == GPUVendor::NVIDIA ? "gpu-kernels-to-nvvm"
                                                     : "gpu-kernels-to-rocdl",
                         build, observer, arch)))
    return makeError("lowering the kernels to " +
                     StringRef(vendor == GPUVendor::NVIDIA ? "NVVM" : "ROCDL") +
                     " failed");
  auto lowered = *holder->getOps<gpu::GPUModuleOp>().begin();
  std::unique_ptr<llvm::Module> m =
      translateModuleToLLVMIR(lowered, llvmContext, "dlc_kernels");
  if (!m)
    return makeError("translating the kernels to LLVM IR failed");
  return m;
}

/// Optimizes `m` for `arch` and emits assembly or an object.
static Expected<std::string> emitKernels(llvm::Module &m, GPUVendor vendor,
                                         StringRef arch, bool object,
                                         CompileObserver *observer) {
  TimingScope scope = observer
                          ? observer->begin("gpu-codegen",
                                            (arch + (object ? " object" : ""))
                                                .str())
                          : TimingScope();
  auto tm = createGPUTargetMachine(vendor, arch);
  if (!tm)
    return tm.takeError();
  m.setTargetTriple((*tm)->getTargetTriple());
  m.setDataLayout((*tm)->createDataLayout());
  if (vendor == GPUVendor::AMD &&
      !m.getModuleFlag("amdhsa_code_object_version"))
    m.addModuleFlag(llvm::Module::Error, "amdhsa_code_object_version", 500);
  for (llvm::Function &f : m.functions())
    if (!f.isDeclaration()) {
      f.removeFnAttr("target-cpu");
      f.addFnAttr("target-cpu", arch);
    }
  auto optimize = makeOptimizingTransformer(3, 0, tm->get());
  if (Error e = optimize(&m))
    return e;
  SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if ((*tm)->addPassesToEmitFile(pm, os, nullptr,
                                 object ? llvm::CodeGenFileType::ObjectFile
                                        : llvm::CodeGenFileType::AssemblyFile))
    return makeError("the " + arch + " target cannot emit this file type");
  pm.run(m);
  return std::string(buffer.begin(), buffer.end());
}

namespace {
/// A temporary file removed when it goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  explicit TempFile(StringRef suffix) {
    if (llvm::sys::fs::createTemporaryFile("dlc", suffix, path))
      path.clear();
  }
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};
} // namespace

static Error writeFile(StringRef path, StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  os << bytes;
  return Error::success();
}

static Expected<std::string> readFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read '" + path + "': " +
                     buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

/// Runs a tool; on failure the error holds its output.
static Error runTool(StringRef program, ArrayRef<StringRef> args,
                     StringRef what, std::string *output = nullptr) {
  TempFile log(".log");
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log.path),
                                          StringRef(log.path)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(program, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/600, 0, &message);
  auto text = readFile(log.path);
  std::string out = text ? *text : std::string();
  if (!text)
    llvm::consumeError(text.takeError());
  if (output)
    *output = out;
  if (rc != 0)
    return makeError(what + " failed" +
                     (message.empty() ? "" : ": " + message) +
                     (out.empty() ? "" : "\n" + StringRef(out).rtrim()));
  return Error::success();
}

/// ptxas from --cuda-path, $CUDA_PATH, /usr/local/cuda or PATH.
static std::optional<std::string> findPtxas(StringRef cudaPath) {
  SmallVector<std::string> dirs;
  if (!cudaPath.empty())
    dirs.push_back((cudaPath + "/bin").str());
  else {
    if (const char *env = std::getenv("CUDA_PATH"))
      dirs.push_back(std::string(env) + "/bin");
    dirs.push_back("/usr/local/cuda/bin");
  }
  for (const std::string &dir : dirs)
    if (auto p = llvm::sys::findProgramByName("ptxas", {dir}))
      return *p;
  if (!cudaPath.empty())
    return std::nullopt;
  if (auto p = llvm::sys::findProgramByName("ptxas"))
    return *p;
  return std::nullopt;
}

/// Parses `ptxas -v` output.
static void parsePtxasReport(StringRef text, StringRef arch,
                             std::vector<KernelStats> &stats) {
  llvm::Regex entry("Compiling entry function '([^']+)'");
  llvm::Regex frame("([0-9]+) bytes stack frame, ([0-9]+) bytes spill "
                    "stores, ([0-9]+) bytes spill loads");
  llvm::Regex regs("Used ([0-9]+) registers");
  llvm::Regex smem("([0-9]+) bytes smem");
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  KernelStats *current = nullptr;
  for (StringRef line : lines) {
    SmallVector<StringRef> m;
    if (entry.match(line, &m)) {
      stats.push_back({m[1].str(), arch.str()});
      current = &stats.back();
    } else if (current && frame.match(line, &m)) {
      m[1].getAsInteger(10, current->stackBytes);
      m[2].getAsInteger(10, current->spillStores);
      m[3].getAsInteger(10, current->spillLoads);
    } else if (current && regs.match(line, &m)) {
      m[1].getAsInteger(10, current->registers);
      if (smem.match(line, &m))
        m[1].getAsInteger(10, current->sharedBytes);
    }
  }
}

#ifndef DLC_LLVM_TOOLS_DIR
#define DLC_LLVM_TOOLS_DIR ""
#endif

/// NVIDIA: PTX per architecture, a cubin per architecture when ptxas is
/// found, and the PTX of the oldest architecture as the JIT fallback.
static Error buildNvidiaImages(gpu::GPUModuleOp kernels,
                               const GPUOptions &options, GPUStage stage,
                               GPUCompiled &out) {
  llvm::LLVMContext llvmContext;
  auto lowered = lowerKernels(kernels, GPUVendor::NVIDIA, "", llvmContext,
                              options.observer);
  if (!lowered)
    return lowered.takeError();
  std::optional<std::string> ptxas;
  if (stage == GPUStage::Object) {
    ptxas = findPtxas(options.cudaPath);
    if (!ptxas)
      out.warnings.push_back(
          "ptxas not found (give the CUDA toolkit with --cuda-path): the "
          "library carries PTX only, compiled by the driver at load");
  }
  for (const std::string &arch : options.archs) {
    std::unique_ptr<llvm::Module> m = llvm::CloneModule(**lowered);
    auto ptx = emitKernels(*m, GPUVendor::NVIDIA, arch, /*object=*/false,
                           options.observer);
    if (!ptx)
      return ptx.takeError();
    out.assembly.emplace_back(arch, *ptx);
    if (stage != GPUStage::Object)
      continue;
    if (&arch == &options.archs.front())
      out.signature.images.push_back({2, arch, *ptx});
    if (!ptxas)
      continue;
    TempFile ptxFile(".ptx"), cubinFile(".cubin");
    if (ptxFile.path.empty() || cubinFile.path.empty())
      return makeError("cannot create temporary files for ptxas");
    if (Error e = writeFile(ptxFile.path, *ptx))
      return e;
    std::string report;
    std::string archFlag = "-arch=" + arch;
    StringRef args[] = {*ptxas, archFlag, "-O3", "-v", "-o",
                        cubinFile.path, ptxFile.path};
    TimingScope scope = options.observer
                            ? options.observer->begin("ptxas", arch)
                            : TimingScope();
    if (Error e = runTool(*ptxas, args, "ptxas for " + arch, &report))
      return e;
    scope.stop();
    parsePtxasReport(report, arch, out.stats);
    auto cubin = readFile(cubinFile.path);
    if (!cubin)
      return cubin.takeError();
    out.signature.images.push_back({1, arch, std::move(*cubin)});
  }
  return Error::success();
}

/// AMD: per architecture, an object from the AMDGPU back end linked into a
/// code object (HSACO) by ld.lld.
static Error buildAmdImages(gpu::GPUModuleOp kernels,
                            const GPUOptions &options, GPUStage stage,
                            GPUCompiled &out) {
  std::optional<std::string> lld;
  if (stage == GPUStage::Object) {
    std::string toolsDir = DLC_LLVM_TOOLS_DIR;
    if (auto p = llvm::sys::findProgramByName("ld.lld", {toolsDir}))
      lld = *p;
    else if (auto p = llvm::sys::findProgramByName("ld.lld"))
      lld = *p;
    else
      return makeError("ld.lld not found (needed to link AMDGPU code "
                       "objects; install lld)");
  }
  for (const std::string &arch : options.archs) {
    llvm::LLVMContext llvmContext;
    auto lowered = lowerKernels(kernels, GPUVendor::AMD, arch, llvmContext,
                                options.observer);
    if (!lowered)
      return lowered.takeError();
    std::unique_ptr<llvm::Module> forObject = llvm::CloneModule(**lowered);
    auto text = emitKernels(**lowered, GPUVendor::AMD, arch, false,
                            options.observer);
    if (!text)
      return text.takeError();
    out.assembly.emplace_back(arch, *text);
    if (stage != GPUStage::Object)
      continue;
    auto object = emitKernels(*forObject, GPUVendor::AMD, arch, true,
                              options.observer);
    if (!object)
      return object.takeError();
    TempFile objFile(".o"), hsacoFile(".hsaco");
    if (objFile.path.empty() || hsacoFile.path.empty())
      return makeError("cannot create temporary files for ld.lld");
    if (Error e = writeFile(objFile.path, *object))
      return e;
    StringRef args[] = {*lld, "-shared", "--no-undefined", "-o",
                        hsacoFile.path, objFile.path};
    TimingScope scope = options.observer
                            ? options.observer->begin("ld.lld", arch)
                            : TimingScope();
    if (Error e = runTool(*lld, args, "ld.lld for " + arch))
      return e;
    scope.stop();
    auto hsaco = readFile(hsacoFile.path);
    if (!hsaco)
      return hsaco.takeError();
    out.signature.images.push_back({3, arch, std::move(*hsaco)});
  }
  return Error::success();
}

/// The outlined names of the launches marked `dlc.tensor_cores`, with the
/// kind.
static std::map<std::string, std::string> tensorCoreLaunches(ModuleOp module) {
  std::map<std::string, std::string> out;
  std::vector<std::string> names = dlc::outlinedKernelNames(module);
  size_t i = 0;
  module.walk([&](gpu::LaunchOp launch) {
    if (auto kind = launch->getAttrOfType<StringAttr>("dlc.tensor_cores"))
      out[names[i]] = kind.str();
    ++i;
  });
  return out;
}

/// The GPU kernels of one inference for --explain: nodes from the
/// launches' locations, the product kernels' own descriptions (strategy,
/// precision, FLOPs), and the launch shape of the others.
static std::vector<KernelInfo> describeLaunches(ModuleOp module) {
  std::vector<KernelInfo> out;
  module.walk([&](gpu::LaunchOp launch) {
    KernelInfo k;
    llvm::SetVector<StringRef> nodes;
    launch->getLoc()->walk([&](Location l) {
      if (auto n = dyn_cast<NameLoc>(l))
        nodes.insert(n.getName().getValue());
      return WalkResult::advance();
    });
    for (StringRef n : nodes)
      k.nodes.push_back(n.str());
    auto str = [&](StringRef name) -> std::string {
      auto a = launch->getAttrOfType<StringAttr>(name);
      return a ? a.str() : std::string();
    };
    k.kind = str("dlc.kernel_kind");
    k.strategy = str("dlc.strategy");
    k.precision = str("dlc.precision");
    if (auto f = launch->getAttrOfType<IntegerAttr>("dlc.flops"))
      k.flops = f.getInt();
    if (k.kind.empty()) {
      bool reduces = launch
                         ->walk([](gpu::SubgroupReduceOp) {
                           return WalkResult::interrupt();
                         })
                         .wasInterrupted();
      k.kind = reduces ? "reduction" : "per-thread";
      auto n = [](Value v) {
        auto c = getConstantIntValue(v);
        return c ? std::to_string(*c) : std::string("?");
      };
      gpu::KernelDim3 g = launch.getGridSizeOperandValues();
      gpu::KernelDim3 b = launch.getBlockSizeOperandValues();
      k.strategy = (reduces ? "warp-shuffle reductions, grid " : "grid ") +
                   n(g.x) + "x" + n(g.y) + "x" + n(g.z) + ", block " +
                   n(b.x) + "x" + n(b.y) + "x" + n(b.z);
    }
    if (k.precision.empty())
      k.precision = "fp32";
    out.push_back(std::move(k));
  });
  return out;
}

/// Whether every NVIDIA architecture is sm_80 or newer (mma.sync m16n8k16
/// for fp16 and bf16, cp.async); the first that is not in `older`.
static bool allSm80(const GPUOptions &options, std::string *older = nullptr) {
  for (const std::string &arch : options.archs) {
    unsigned sm = 0;
    if (StringRef(arch).drop_front(3).take_while(llvm::isDigit).getAsInteger(
            10, sm) ||
        sm < 80) {
      if (older)
        *older = arch;
      return false;
    }
  }
  return true;
}

/// Whether every AMD architecture has the CDNA2 / CDNA3 matrix cores the
/// mfma kernels use (16x16x16 f16 and bf16_1k, wave64): gfx90a, gfx942.
static bool allMfma(const GPUOptions &options, std::string *other = nullptr) {
  for (const std::string &arch : options.archs)
    if (arch != "gfx90a" && arch != "gfx942") {
      if (other)
        *other = arch;
      return false;
    }
  return true;
}

Error checkTensorCores(const GPUOptions &options) {
  StringRef kind = options.tensorCores;
  if (kind != "auto" && kind != "none" && kind != "mma.sync" &&
      kind != "mfma")
    return makeError("--tensor-cores must be 'auto', 'none', 'mma.sync' or "
                     "'mfma', got '" +
                     kind + "'");
  std::string arch;
  if (kind == "mma.sync") {
    if (options.vendor == GPUVendor::AMD)
      return makeError("--tensor-cores=mma.sync is NVIDIA's (--target=cuda "
                       "or gpu-emu); --target=rocm takes mfma");
    if (options.vendor == GPUVendor::NVIDIA && !allSm80(options, &arch))
      return makeError("--tensor-cores=mma.sync needs sm_80 or newer, and "
                       "the target has " +
                       arch);
  }
  if (kind == "mfma") {
    if (options.vendor == GPUVendor::NVIDIA)
      return makeError("--tensor-cores=mfma is AMD's (--target=rocm or "
                       "gpu-emu); --target=cuda takes mma.sync");
    if (options.vendor == GPUVendor::AMD && !allMfma(options, &arch))
      return makeError("--tensor-cores=mfma needs gfx90a or gfx942, and the "
                       "target has " +
                       arch);
  }
  return Error::success();
}

/// The tensor-core kernels the target takes: mma.sync when every NVIDIA
/// architecture is sm_80 or newer, mfma when every AMD one is gfx90a or
/// gfx942; in gpu-emu the kernels asked for (auto: the NVIDIA ones).
static std::string tensorCoreKind(const GPUOptions &options) {
  StringRef kind = options.tensorCores;
  if (kind == "none")
    return "none";
  if (options.vendor == GPUVendor::Emulated)
    return kind == "mfma" ? "mfma" : "mma.sync";
  if (options.vendor == GPUVendor::AMD)
    return allMfma(options) ? "mfma" : "none";
  return allSm80(options) ? "mma.sync" : "none";
}

Expected<GPUCompiled> compileForGPU(ModuleOp module, StringRef name,
                                    const GPUOptions &options,
                                    bool externalWeights, GPUStage stage) {
  Expected<ModelSignature> signature = readSignature(module, name);
  if (!signature)
    return signature.takeError();
  if (Error e = checkTensorCores(options))
    return e;
  GPUCompiled out;
  out.signature = std::move(*signature);
  ModelSignature &sig = out.signature;
  sig.externalWeights = externalWeights;
  sig.weightsAsBlob = true;
  sig.deviceKind = options.vendor == GPUVendor::NVIDIA ? 2
                   : options.vendor == GPUVendor::AMD  ? 3
                                                       : 1;
  // The GPU kernels read strided slices of merged products less well
  // than whole tensors: products stay separate there.
  CompileObserver *observer = options.observer;
  if (failed(lowerToLinalg(module, /*mergeProducts=*/false, observer,
                           options.precision)))
    return makeError("lowering to linalg failed");
  updateInterfaceTypes(module, sig);
  BufferizePipelineOptions bufferize;
  bufferize.modelName = sig.name;
  bufferize.externalWeights = true;
  bufferize.cpuLoops = false;
  if (failed(bufferizeModel(module, sig, "gpu-bufferize", bufferize,
                            observer)))
    return makeError("bufferization failed");
  std::string forward = modelFunctionName(sig.name);
  GPUMapPipelineOptions map;
  map.func = forward;
  map.blockSize = options.blockSize;
  map.tensorCores = tensorCoreKind(options);
  if (failed(runPipeline(
          module, "gpu-map",
          [&](OpPassManager &pm) { buildGPUMapPipeline(pm, map); }, observer)))
    return makeError("mapping the loops to GPU blocks and threads failed");
  sig.kernels = describeLaunches(module);

  CPUOptions host;
  host.measureStackFrames = options.measureStackFrames;
  host.observer = observer;
  if (options.vendor == GPUVendor::Emulated) {
    if (stage == GPUStage::Kernels)
      return out;
    GPUEmuPipelineOptions emulate;
    emulate.func = forward;
    emulate.checkRaces = options.emuCheckRaces;
    emulate.threadOrder = options.emuThreadOrder;
    emulate.seed = options.emuSeed;
    if (failed(runPipeline(
            module, "gpu-emu-to-llvm",
            [&](OpPassManager &pm) { buildGPUEmuToLLVMPipeline(pm, emulate); },
            observer)))
      return makeError("lowering the emulated kernels failed");
  } else {
    sig.tensorCoreKernels = tensorCoreLaunches(module);
    GPUOutlinePipelineOptions outline;
    outline.func = forward;
    if (failed(runPipeline(
            module, "gpu-outline",
            [&](OpPassManager &pm) { buildGPUOutlinePipeline(pm, outline); },
            observer)))
      return makeError("outlining the GPU kernels failed");
    if (auto names = module->getAttrOfType<ArrayAttr>("dlc.gpu_kernels"))
      for (Attribute a : names)
        sig.kernelNames.push_back(cast<StringAttr>(a).str());
    if (observer)
      observer->kernelCount = sig.kernelNames.size();
    if (stage == GPUStage::Kernels)
      return out;
    auto kernels = module.lookupSymbol<gpu::GPUModuleOp>("dlc_kernels");
    if (!kernels) {
      // A model without kernels still carries a (empty) module image.
      OpBuilder b(module.getContext());
      b.setInsertionPointToEnd(module.getBody());
      kernels = gpu::GPUModuleOp::create(b, module.getLoc(), "dlc_kernels");
    }
    Error e = options.vendor == GPUVendor::NVIDIA
                  ? buildNvidiaImages(kernels, options, stage, out)
                  : buildAmdImages(kernels, options, stage, out);
    if (e)
      return e;
    if (stage == GPUStage::Assembly)
      return out;
    kernels.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
    if (failed(runPipeline(module, "gpu-host-to-llvm",
                           buildGPUHostToLLVMPipeline, observer)))
      return makeError("lowering the host code failed");
  }
  if (stage != GPUStage::Object)
    return out;
  llvm::LLVMContext context;
  auto llvmModule = translateToLLVMIR(module, context, sig, host);
  if (!llvmModule)
    return llvmModule.takeError();
  auto object = emitObject(**llvmModule, host, &out.stackFrames);
  if (!object)
    return object.takeError();
  out.object = std::move(*object);
  return out;
}

} // namespace dlc::codegen
