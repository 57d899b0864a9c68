//===- dlc.cpp - the dlc compiler command line ----------------------------===//
//
//   dlc MODEL.onnx --emit=graph [-o FILE] [--input-shape NAME=DIMS ...]
//   dlc MODEL.onnx --target=cpu -o DIR [--name NAME]
//   dlc MODEL.onnx --target=cpu --emit=linalg|llvm|obj [-o FILE]
//   dlc MODEL.onnx --target=cuda:sm_80,sm_90 -o DIR    (also rocm:gfx942)
//   dlc MODEL.onnx --target=cuda:sm_90 --emit=ptx      (rocm: --emit=amdgpu)
//
//===----------------------------------------------------------------------===//

#include "AutoPrecision.h"
#include "Explain.h"
#include "MultiDevice.h"
#include "Options.h"
#include "Progress.h"
#include "dlc/Codegen/CPUTarget.h"
#include "dlc/Codegen/GPUTarget.h"
#include "dlc/Codegen/Stages.h"
#include "dlc/Compiler/Importer.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <array>
#include <cmath>
#include <map>

using namespace llvm;

using namespace dlc::tool::opts;

namespace {
/// The compile's observer (stage timing, IR dumps, progress) and the
/// progress line; set in main.
dlc::codegen::CompileObserver *observer = nullptr;
dlc::tool::ProgressLine *progress = nullptr;
} // namespace

/// stdout, after clearing the progress line (both may be the terminal).
static raw_ostream &out() {
  if (progress)
    progress->clear();
  return outs();
}

/// Informational output on stdout, silenced by -q.
static raw_ostream &info() { return quiet ? nulls() : out(); }

/// Prints "FILE: error: message", naming the model file found in the
/// diagnostic's location.
static void printDiagnostic(mlir::Diagnostic &diag) {
  std::string file = inputPath;
  diag.getLocation()->walk([&](mlir::Location loc) {
    if (auto fileLoc = dyn_cast<mlir::FileLineColLoc>(loc)) {
      file = fileLoc.getFilename().str();
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  if (progress)
    progress->clear();
  raw_ostream &os = errs();
  os << file << ": ";
  switch (diag.getSeverity()) {
  case mlir::DiagnosticSeverity::Error:
    WithColor(os, HighlightColor::Error) << "error: ";
    break;
  case mlir::DiagnosticSeverity::Warning:
    WithColor(os, HighlightColor::Warning) << "warning: ";
    break;
  default:
    WithColor(os, HighlightColor::Note) << "note: ";
    break;
  }
  os << diag.str() << "\n";
  for (mlir::Diagnostic &note : diag.getNotes())
    os << file << ": note: " << note.str() << "\n";
}

static int fail(const Twine &message) {
  if (progress)
    progress->clear();
  WithColor::error(errs(), "dlc") << message << "\n";
  return 1;
}

/// What --precision=auto chose (once `autoChosen`).
static dlc::codegen::PrecisionOptions autoChoice;
static bool autoChosen = false;

/// --precision and --keep-fp32 (checked in main), or auto's choice.
static dlc::codegen::PrecisionOptions precisionOptions() {
  if (autoChosen)
    return autoChoice;
  dlc::codegen::PrecisionOptions p;
  p.precision = precisionFlag;
  p.keepFp32.assign(keepFp32.begin(), keepFp32.end());
  p.ioPrecision = ioPrecision;
  p.minReductionTerms = precisionMinTerms;
  return p;
}

/// How --emit=linalg and --emit=gpu print: large constants elided at
/// --elide-constants (0: none), locations with --print-locations (so that
/// dlc-opt sees the ONNX node names dlc sees).
static mlir::OpPrintingFlags loweredIRFlags() {
  mlir::OpPrintingFlags flags;
  flags.elideLargeElementsAttrs(elideConstants ? elideConstants : 1 << 30);
  if (printDebugInfo)
    flags.enableDebugInfo();
  return flags;
}

/// Prints `module` to -o (a temporary file renamed into place: never a
/// partial output) or stdout.
static int printModule(mlir::ModuleOp module, mlir::OpPrintingFlags flags) {
  auto print = [&](raw_ostream &os) {
    module->print(os, flags);
    os << "\n";
    return Error::success();
  };
  if (outputPath == "-") {
    (void)print(out());
    return 0;
  }
  if (Error e = writeToOutput(outputPath, print))
    return fail(toString(std::move(e)));
  return 0;
}

static int writeBytes(StringRef path, StringRef bytes) {
  if (Error e = writeToOutput(path, [&](raw_ostream &os) {
        os << bytes;
        return Error::success();
      }))
    return fail(toString(std::move(e)));
  return 0;
}

/// The name of the artifact: --name, else the model file's stem.
static std::string artifactName() {
  return modelName.empty() ? sys::path::stem(inputPath).str()
                           : modelName.getValue();
}

static int writeLibrary(const dlc::codegen::ModelSignature &signature,
                        ArrayRef<char> object);
/// While a multi-device library compiles: where writeLibrary puts each
/// device kind's model instead of writing it.
static std::vector<dlc::tool::LibraryPart> *libraryParts = nullptr;

/// --report-stack-frames: the summary, and an error when a frame is over
/// the bound.
static int checkStackFrames(const std::vector<dlc::codegen::StackFrame> &f) {
  if (unsigned over = dlc::codegen::printStackFrames(outs(), "dlc", f))
    return fail(Twine(over) + " stack frame(s) over the bound of " +
                Twine(dlc::codegen::kMaxStackFrameBytes) +
                " bytes or dynamic");
  return 0;
}

/// --explain: the kernel list as text or JSON on stdout.

static int compileForCPU(mlir::ModuleOp module, EmitKind kind) {
  // (main has checked --name.)
  Expected<dlc::codegen::ModelSignature> signature =
      dlc::codegen::readSignature(module, artifactName());
  if (!signature)
    return fail(toString(signature.takeError()));
  if (weightsMode != "embedded" && weightsMode != "external")
    return fail("--weights must be 'embedded' or 'external', got '" +
                weightsMode + "'");
  signature->externalWeights = weightsMode == "external";
  if (kind == EmitKind::Lib && outputPath == "-")
    return fail("--target=cpu writes a library: give the output folder "
                "with -o DIR");

  if (cpuKernels != "tiled" && cpuKernels != "loops")
    return fail("--cpu-kernels must be 'tiled' or 'loops', got '" +
                cpuKernels + "'");
  dlc::codegen::CPUOptions cpu;
  cpu.cpu = cpuName;
  cpu.tileContractions = cpuKernels == "tiled";
  cpu.precision = precisionOptions();
  cpu.observer = observer;
  if (failed(dlc::codegen::lowerToLinalg(module, /*mergeProducts=*/true,
                                         observer, cpu.precision)))
    return 1;
  dlc::codegen::updateInterfaceTypes(module, *signature);
  if (kind == EmitKind::Linalg)
    return printModule(module, loweredIRFlags());
  if (failed(dlc::codegen::lowerToLLVMDialect(module, *signature, cpu)))
    return 1;
  if (explain.getNumOccurrences())
    return dlc::tool::printExplanation(out(), *signature,
                                         explain == "json", peakGflops);
  // The LLVM module and its context hold a copy of the weights: both are
  // released once the object is made, before the library is written.
  auto llvmContext = std::make_unique<LLVMContext>();
  auto llvmModule = dlc::codegen::translateToLLVMIR(module, *llvmContext,
                                                    *signature, cpu);
  if (!llvmModule)
    return fail(toString(llvmModule.takeError()));
  if (kind == EmitKind::LLVM) {
    std::string text;
    raw_string_ostream os(text);
    (*llvmModule)->print(os, nullptr);
    if (outputPath == "-") {
      out() << text;
      return 0;
    }
    return writeBytes(outputPath, text);
  }
  cpu.measureStackFrames = reportStackFrames;
  std::vector<dlc::codegen::StackFrame> frames;
  auto object = dlc::codegen::emitObject(**llvmModule, cpu, &frames);
  if (!object)
    return fail(toString(object.takeError()));
  llvmModule->reset();
  llvmContext.reset();
  if (reportStackFrames && checkStackFrames(frames))
    return 1;
  StringRef objectBytes(object->data(), object->size());
  if (kind == EmitKind::Obj) {
    if (outputPath == "-")
      return fail("--emit=obj writes a binary file: give it with -o FILE");
    return writeBytes(outputPath, objectBytes);
  }

  // Library and header; both are complete before either is renamed into
  // place.
  return writeLibrary(*signature, *object);
}

/// Writes the library, header and (external) weights into -o DIR.
static int writeLibrary(const dlc::codegen::ModelSignature &signature,
                        ArrayRef<char> object) {
  if (libraryParts) {
    libraryParts->push_back({signature, {object.begin(), object.end()}});
    return 0;
  }
  mlir::TimingScope scope =
      observer ? observer->begin("archive") : mlir::TimingScope();
  if (std::error_code ec = sys::fs::create_directories(outputPath))
    return fail("cannot create output folder '" + outputPath +
                "': " + ec.message());
  SmallString<256> libPath(outputPath), headerPath(outputPath);
  sys::path::append(libPath, "lib" + signature.name + ".a");
  sys::path::append(headerPath, signature.name + ".h");
  std::string header = dlc::codegen::generateHeader(signature, inputPath);
  SmallString<256> weightsPath(outputPath);
  sys::path::append(weightsPath, signature.name + ".weights");
  if (signature.externalWeights &&
      writeBytes(weightsPath, StringRef(signature.weightsBlob.data(),
                                        signature.weightsBlob.size())))
    return 1;
  // Streamed to the file: no second weight-sized buffer.
  if (Error e = dlc::codegen::writeArchiveFile(libPath, signature.name + ".o",
                                               object)) {
    sys::fs::remove(weightsPath);
    return fail("cannot write '" + libPath.str().str() +
                "': " + toString(std::move(e)));
  }
  if (writeBytes(headerPath, header)) {
    sys::fs::remove(libPath);
    sys::fs::remove(weightsPath);
    return 1;
  }
  info() << "dlc: wrote " << libPath << " and " << headerPath << " (weights "
         << signature.weightBytes << " bytes, arena " << signature.arenaBytes
         << " bytes)\n";
  return 0;
}

static int compileForGPU(mlir::ModuleOp module, EmitKind kind,
                         dlc::codegen::GPUOptions options) {
  bool nvidia = options.vendor == dlc::codegen::GPUVendor::NVIDIA;
  if (kind == EmitKind::Ptx && !nvidia)
    return fail("--emit=ptx needs --target=cuda:ARCHS");
  if (kind == EmitKind::AMDGPU &&
      options.vendor != dlc::codegen::GPUVendor::AMD)
    return fail("--emit=amdgpu needs --target=rocm:ARCHS");
  if (kind == EmitKind::LLVM)
    return fail("--emit=llvm is for --target=cpu; GPU targets show their "
                "kernels with --emit=gpu, --emit=ptx or --emit=amdgpu");
  if (kind == EmitKind::Lib && outputPath == "-")
    return fail("--target=" + target +
                " writes a library: give the output folder with -o DIR");
  if (kind == EmitKind::Obj && outputPath == "-")
    return fail("--emit=obj writes a binary file: give it with -o FILE");
  if (weightsMode != "embedded" && weightsMode != "external")
    return fail("--weights must be 'embedded' or 'external', got '" +
                weightsMode + "'");
  if (gpuBlockSize < 0 || gpuBlockSize > 1024 ||
      (gpuBlockSize > 0 && gpuBlockSize % 32 != 0))
    return fail("--gpu-block-size must be a multiple of 32 up to 1024 (or "
                "0 for the cost model)");
  options.cudaPath = cudaPath;
  options.blockSize = gpuBlockSize;
  options.tensorCores = tensorCores;
  if (Error e = dlc::codegen::checkTensorCores(options))
    return fail(toString(std::move(e)));
  options.precision = precisionOptions();
  options.observer = observer;
  options.measureStackFrames = reportStackFrames;
  if (!emuCheck.empty())
    if (Error e = dlc::codegen::parseEmuCheck(emuCheck, options))
      return fail(toString(std::move(e)));
  if (kind == EmitKind::Linalg) {
    // As the GPU compile lowers it: products stay separate.
    if (failed(dlc::codegen::lowerToLinalg(module, /*mergeProducts=*/false,
                                           observer, options.precision)))
      return 1;
    return printModule(module, loweredIRFlags());
  }
  dlc::codegen::GPUStage stage =
      kind == EmitKind::GPU ? dlc::codegen::GPUStage::Kernels
      : kind == EmitKind::Ptx || kind == EmitKind::AMDGPU
          ? dlc::codegen::GPUStage::Assembly
          : dlc::codegen::GPUStage::Object;
  auto compiled = dlc::codegen::compileForGPU(
      module, artifactName(), options, weightsMode == "external", stage);
  if (!compiled)
    return fail(toString(compiled.takeError()));
  if (progress && !compiled->warnings.empty())
    progress->clear();
  for (const std::string &w : compiled->warnings)
    WithColor::warning(errs(), "dlc") << w << "\n";
  if (explain.getNumOccurrences())
    return dlc::tool::printExplanation(out(), compiled->signature,
                                       explain == "json", 0, target);
  if (kind == EmitKind::GPU)
    return printModule(module, loweredIRFlags());
  if (kind == EmitKind::Ptx || kind == EmitKind::AMDGPU) {
    std::string text;
    for (auto &[arch, assembly] : compiled->assembly)
      text += (nvidia ? "// " : "; ") + std::string("==== ") + arch +
              " ====\n" + assembly;
    if (outputPath == "-") {
      out() << text;
      return 0;
    }
    return writeBytes(outputPath, text);
  }
  // ptxas's resource report: a summary line per architecture.
  const auto &tensorCores = compiled->signature.tensorCoreKernels;
  std::map<std::string, std::array<int64_t, 4>> perArch;
  for (const auto &k : compiled->stats) {
    auto &a = perArch[k.arch];
    a[0]++;
    a[1] = std::max<int64_t>(a[1], k.registers);
    a[2] += k.spillStores + k.spillLoads;
    a[3] += tensorCores.count(k.kernel);
  }
  for (auto &[arch, a] : perArch) {
    info() << "dlc: ptxas " << arch << ": " << a[0] << " kernels, at most "
           << a[1] << " registers, " << a[2] << " bytes of spills";
    if (a[3])
      info() << "; " << a[3] << " on tensor cores";
    info() << "\n";
  }
  if (!kernelStatsPath.empty()) {
    std::string csv = "kernel,arch,registers,spill_stores,spill_loads,"
                      "stack_bytes,tensor_cores,shared_bytes\n";
    for (const auto &k : compiled->stats) {
      auto tc = tensorCores.find(k.kernel);
      csv += k.kernel + "," + k.arch + "," + std::to_string(k.registers) +
             "," + std::to_string(k.spillStores) + "," +
             std::to_string(k.spillLoads) + "," +
             std::to_string(k.stackBytes) + "," +
             (tc == tensorCores.end() ? std::string() : tc->second) + "," +
             std::to_string(k.sharedBytes) + "\n";
    }
    if (writeBytes(kernelStatsPath, csv))
      return 1;
  }
  if (!saveImagesDir.empty()) {
    if (std::error_code ec = sys::fs::create_directories(saveImagesDir))
      return fail("cannot create folder '" + saveImagesDir +
                  "': " + ec.message());
    for (const auto &image : compiled->signature.images) {
      SmallString<256> path(saveImagesDir);
      const char *ext = image.format == 1   ? "cubin"
                        : image.format == 2 ? "ptx"
                                            : "hsaco";
      sys::path::append(path, compiled->signature.name + "." + image.arch +
                                  "." + ext);
      if (writeBytes(path, image.data))
        return 1;
    }
  }
  if (reportStackFrames && checkStackFrames(compiled->stackFrames))
    return 1;
  StringRef objectBytes(compiled->object.data(), compiled->object.size());
  if (kind == EmitKind::Obj)
    return writeBytes(outputPath, objectBytes);
  return writeLibrary(compiled->signature, compiled->object);
}

/// The stage list of --target: cpu, gpu-emu, cuda or rocm ("" when the
/// target is not one of them).
static StringRef stageTarget() {
  // (A multi-device list: its first device kind.)
  StringRef t = target.empty() ? StringRef() : StringRef(target).split(',').first;
  if (t.empty() || t == "cpu" || t == "gpu-emu")
    return t.empty() ? "cpu" : t;
  StringRef kind = t.split(':').first;
  if (kind == "cuda" || kind == "rocm" || kind == "hip")
    return kind;
  return "";
}

/// --list-stages.
static int printStages() {
  if (stageTarget().empty())
    return fail("unknown --target '" + target +
                "' (supported: cpu, cuda:ARCHS, rocm:ARCHS, gpu-emu)");
  outs() << "stages of --target=" << (target.empty() ? "cpu" : target.getValue())
         << " in order (IR: what --dump-after writes)\n";
  for (const dlc::codegen::StageInfo &s :
       dlc::codegen::stagesOf(stageTarget()))
    outs() << format("  %-22s %-5s ", s.name.str().c_str(),
                     s.ir.empty() ? "-" : s.ir.str().c_str())
           << s.description << "\n";
  return 0;
}

/// Everything after the import: the --emit level of the --target.
/// --precision (fp32, tf32, fp16, bf16 or auto) and the flags of auto.
static int checkPrecisionFlags() {
  if (Error e = dlc::codegen::checkIOPrecision(ioPrecision))
    return fail(toString(std::move(e)));
  if (precisionMinTerms < 1)
    return fail("--precision-min-terms must be at least 1, got " +
                std::to_string(precisionMinTerms));
  if (precisionFlag != "auto") {
    if (Error e = dlc::codegen::checkPrecision(precisionFlag))
      return fail(toString(std::move(e)) + " (or auto)");
    for (const cl::Option *o : std::initializer_list<const cl::Option *>{
             &maxRelError, &calibration, &lowPrecision})
      if (o->getNumOccurrences())
        return fail("--" + o->ArgStr + " is an option of --precision=auto");
    return 0;
  }
  if (!(maxRelError > 0) || std::isinf(maxRelError))
    return fail("--precision=auto needs --max-rel-error=E, a positive "
                "relative L2 error");
  if (!lowPrecision.empty() && lowPrecision != "fp16" && lowPrecision != "bf16")
    return fail("--low-precision must be fp16 or bf16, got '" + lowPrecision +
                "'");
  return 0;
}

/// --precision=auto: measures candidates with dlc-run and sets autoChoice.
static int choosePrecision(mlir::ModuleOp module, const char *argv0) {
  bool cpu = target.empty() || target == "cpu";
  dlc::tool::AutoPrecisionRequest r;
  r.low = !lowPrecision.empty() ? lowPrecision.getValue()
          : cpu                 ? std::string("bf16")
                                : std::string("fp16");
  r.model = inputPath;
  r.maxRelError = maxRelError;
  r.calibration = calibration;
  SmallString<256> runner(sys::path::parent_path(
      sys::fs::getMainExecutable(argv0, (void *)&choosePrecision)));
  sys::path::append(runner, "dlc-run");
  if (!sys::fs::can_execute(runner))
    return fail("--precision=auto measures with dlc-run, which is not next "
                "to dlc (" + runner + ")");
  r.dlcRun = runner.str().str();
  for (const std::string &s : inputShapes)
    r.flags.push_back("--input-shape=" + s);
  for (const std::string &s : freezeInputs)
    r.flags.push_back("--freeze-input=" + s);
  auto candidates = dlc::tool::demotableProducts(module, r.low, cpu);
  if (!candidates)
    return fail(toString(candidates.takeError()));
  r.candidates = std::move(*candidates);
  raw_ostream &log = quiet ? nulls() : errs();
  auto chosen = dlc::tool::choosePrecision(r, log);
  if (!chosen)
    return fail(toString(chosen.takeError()));
  autoChoice.precision = r.low;
  autoChoice.ioPrecision = ioPrecision;
  autoChosen = true;
  size_t low = 0;
  for (auto [c, d] : llvm::zip(r.candidates, chosen->demoted)) {
    low += d;
    if (!d)
      autoChoice.keepFp32.insert(autoChoice.keepFp32.end(), c.nodes.begin(),
                                 c.nodes.end());
    log << "dlc:   " << (d ? r.low : "fp32") << "  " << c.nodes.front()
        << (c.nodes.size() > 1 ? " (+" + std::to_string(c.nodes.size() - 1) +
                                     " merged)"
                               : "")
        << "\n";
  }
  log << "dlc: --precision=auto: " << low << " of " << r.candidates.size()
      << " products in " << r.low << ", " << r.candidates.size() - low
      << " in fp32; measured relative L2 error "
      << formatv("{0:e2}", chosen->error) << " (budget "
      << formatv("{0:e2}", double(maxRelError)) << ", " << chosen->runs
      << " compiles)\n";
  return 0;
}

/// --target with several device kinds: the model compiled for each (a
/// copy of the module each, symbols NAME_cpu, NAME_cuda, NAME_hip), then
/// one library and header.
static int compileMultiDevice(mlir::ModuleOp module, EmitKind kind,
                              ArrayRef<std::string> targets) {
  if (kind != EmitKind::Lib)
    return fail("--target=" + target + " (several device kinds) writes one "
                "library; --emit and --explain need a single device kind");
  if (outputPath == "-")
    return fail("--target=" + target +
                " writes a library: give the output folder with -o DIR");
  std::string name = artifactName(), all = target;
  std::string savedName = modelName;
  std::vector<dlc::tool::LibraryPart> parts;
  int rc = 0;
  for (const std::string &t : targets) {
    mlir::OwningOpRef<mlir::ModuleOp> copy(module.clone());
    target = t;
    modelName = name + "_" + dlc::tool::deviceSuffix(t);
    libraryParts = &parts;
    if (t == "cpu") {
      rc = compileForCPU(*copy, EmitKind::Lib);
    } else {
      auto gpu = dlc::codegen::parseGPUTarget(t);
      rc = gpu ? compileForGPU(*copy, EmitKind::Lib, *gpu)
               : fail(toString(gpu.takeError()));
    }
    libraryParts = nullptr;
    if (rc)
      break;
  }
  target = all;
  modelName = savedName;
  if (rc)
    return rc;
  mlir::TimingScope scope =
      observer ? observer->begin("archive") : mlir::TimingScope();
  auto written =
      dlc::tool::writeMultiDeviceLibrary(outputPath, name, parts, inputPath);
  if (!written)
    return fail(toString(written.takeError()));
  info() << "dlc: wrote " << *written << " (" << parts.size()
         << " device kinds:";
  for (const dlc::tool::LibraryPart &p : parts)
    info() << " " << p.signature.name << ", weights "
           << p.signature.weightBytes << " bytes;";
  info() << " " << name << "_create picks the device's)\n";
  return 0;
}

static int compileModule(mlir::ModuleOp module) {
  EmitKind kind = emit;
  if (explain.getNumOccurrences()) {
    // The kernel list is read after the CPU lowering or the GPU mapping;
    // nothing is written.
    if (emit != EmitKind::Default)
      return fail("--explain prints the kernels instead of an --emit level");
    kind = target.empty() || target == "cpu" ? EmitKind::LLVM : EmitKind::GPU;
  }
  if (kind == EmitKind::Default)
    kind = target.empty() ? EmitKind::Graph : EmitKind::Lib;
  if (kind != EmitKind::Graph) {
    if (target.empty())
      target = "cpu";
    if (!modelName.empty() &&
        dlc::codegen::sanitizeIdentifier(modelName) != modelName)
      return fail("--name '" + modelName +
                  "' is not a C identifier (letters, digits, '_')");
    if (!emuCheck.empty() && target != "gpu-emu")
      return fail("--emu-check is for --target=gpu-emu");
    auto targets = dlc::tool::splitDeviceTargets(target);
    if (!targets)
      return fail(toString(targets.takeError()));
    if (targets->size() > 1)
      return compileMultiDevice(module, kind, *targets);
    if (target != "cpu") {
      auto gpu = dlc::codegen::parseGPUTarget(target);
      if (!gpu)
        return fail(toString(gpu.takeError()));
      return compileForGPU(module, kind, *gpu);
    }
    if (kind == EmitKind::GPU || kind == EmitKind::Ptx ||
        kind == EmitKind::AMDGPU)
      return fail("--emit=gpu, ptx and amdgpu need a GPU --target");
    return compileForCPU(module, kind);
  }

  mlir::OpPrintingFlags flags;
  if (elideConstants > 0)
    flags.elideLargeElementsAttrs(elideConstants);
  if (printDebugInfo)
    flags.enableDebugInfo();
  return printModule(module, flags);
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(dlcCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dlc: ahead-of-time compiler for ONNX models\n\n"
      "  dlc MODEL.onnx --emit=graph                print the imported graph IR\n"
      "  dlc MODEL.onnx --target=cpu -o DIR [--name NAME]\n"
      "                                             write DIR/libNAME.a and DIR/NAME.h\n"
      "  dlc MODEL.onnx --target=cpu --emit=linalg|llvm|obj [-o FILE]\n"
      "                                             show an intermediate level\n"
      "  dlc MODEL.onnx --target=cuda:sm_80,sm_90 -o DIR\n"
      "  dlc MODEL.onnx --target=rocm:gfx942 -o DIR  GPU library: kernels + host code\n"
      "  dlc MODEL.onnx --target=cuda:sm_90 --emit=ptx | --target=rocm:gfx942 --emit=amdgpu\n"
      "                                             print the kernels\n");

  dlc::ImportOptions options;
  for (const std::string &spec : inputShapes) {
    if (Error e = dlc::parseInputShape(spec, options)) {
      WithColor::error(errs(), "dlc") << toString(std::move(e)) << "\n";
      return 1;
    }
  }
  for (const std::string &spec : freezeInputs) {
    auto [name, file] = StringRef(spec).split('=');
    if (name.empty() || file.empty()) {
      WithColor::error(errs(), "dlc")
          << "--freeze-input expects NAME=FILE.pb, got '" << spec << "'\n";
      return 1;
    }
    options.frozenInputs[name] = file.str();
  }
  if (elideConstants < 0) {
    WithColor::error(errs(), "dlc") << "--elide-constants must be >= 0\n";
    return 1;
  }
  if (int rc = checkPrecisionFlags())
    return rc;

  if (listStages)
    return printStages();
  if (inputPath.empty())
    return fail("no model given (dlc MODEL.onnx ...; see --help)");
  mlir::DialectRegistry registry;
  dlc::codegen::registerCodegenDialects(registry);
  dlc::codegen::registerCodegenPasses();
  mlir::MLIRContext context(registry);
  // Diagnostics name the ONNX node; a dump of the whole op is noise.
  context.printOpOnDiagnostic(false);
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &diag) { printDiagnostic(diag); });
  if (!sys::fs::exists(inputPath)) {
    WithColor::error(errs(), "dlc")
        << "'" << inputPath << "': no such file\n";
    return 1;
  }
  if (explain.getNumOccurrences() && !explain.empty() && explain != "text" &&
      explain != "json")
    return fail("--explain must be 'text' or 'json', got '" + explain + "'");
  if (!(peakGflops > 0))
    return fail("--peak-gflops must be a positive number of GFLOP/s");
  // The observer of the compile: stage timing (--timing), IR dumps
  // (--dump-after), the progress line on a terminal.
  dlc::codegen::CompileObserver stages(dlc::codegen::stagesOf(stageTarget()));
  stages.elideConstants = elideConstants;
  if (!dumpDir.empty() && dumpAfter.empty())
    return fail("--dump-dir is the folder of --dump-after=STAGE[,STAGE]");
  if (!dumpAfter.empty())
    if (Error e = stages.setDumps(dumpAfter, dumpDir))
      return fail(toString(std::move(e)));
  mlir::DefaultTimingManager timingManager;
  if (timing) {
    timingManager.setEnabled(true);
    timingManager.setDisplayMode(
        mlir::DefaultTimingManager::DisplayMode::Tree);
    stages.setTiming(timingManager.getRootScope());
  }
  dlc::tool::ProgressLine line(!quiet && sys::Process::StandardErrIsDisplayed(),
                               std::chrono::milliseconds(progressDelayMs));
  stages.onStage = [&](StringRef stage, StringRef detail) {
    std::string text = detail.str();
    if (stages.kernelCount)
      text += (text.empty() ? "(" : " (") + std::to_string(stages.kernelCount) +
              (stages.kernelCount == 1 ? " kernel)" : " kernels)");
    line.setStage(stage, text);
  };
  stages.beforeStderr = [&] { line.clear(); };
  observer = &stages;
  progress = &line;

  mlir::OwningOpRef<mlir::ModuleOp> module;
  {
    mlir::TimingScope scope = stages.begin("import");
    module = dlc::importOnnxFile(inputPath, context, options);
  }
  int rc = 1;
  if (module) {
    if (Error e = stages.irAfter("import", *module))
      rc = fail(toString(std::move(e)));
    else if (precisionFlag == "auto" &&
             (rc = choosePrecision(*module, argv[0])) != 0)
      ;
    else
      rc = compileModule(*module);
  }
  line.finish();
  progress = nullptr;
  if (rc == 0)
    for (const std::string &stage : stages.dumpsNotWritten())
      WithColor::warning(errs(), "dlc")
          << "--dump-after: stage '" << stage
          << "' did not run (the --emit level ends before it)\n";
  observer = nullptr;
  // The timing manager prints the table when it is destroyed, after the
  // root scope ends here.
  stages.setTiming(mlir::TimingScope());
  return rc;
}

