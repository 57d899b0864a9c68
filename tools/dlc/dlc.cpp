//===- dlc.cpp - the dlc compiler command line ----------------------------===//
//
//   dlc MODEL.onnx --emit=graph [-o FILE] [--input-shape NAME=DIMS ...]
//   dlc MODEL.onnx --target=cpu -o DIR [--name NAME]
//   dlc MODEL.onnx --target=cpu --emit=linalg|llvm|obj [-o FILE]
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/CPUTarget.h"
#include "dlc/Compiler/Importer.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
cl::OptionCategory dlcCategory("dlc options");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(dlcCategory));

enum class EmitKind { Default, Graph, Linalg, LLVM, Obj, Lib };
cl::opt<EmitKind> emit(
    "emit", cl::desc("What to produce (default: graph, or lib with --target)"),
    cl::init(EmitKind::Default),
    cl::values(
        clEnumValN(EmitKind::Graph, "graph",
                   "verified graph-dialect IR of the imported model"),
        clEnumValN(EmitKind::Linalg, "linalg",
                   "the model lowered to linalg on tensors"),
        clEnumValN(EmitKind::LLVM, "llvm",
                   "LLVM IR of the model, its entry point and descriptor"),
        clEnumValN(EmitKind::Obj, "obj", "the x86 object file (-o FILE)"),
        clEnumValN(EmitKind::Lib, "lib",
                   "static library and C header in the -o folder")),
    cl::cat(dlcCategory));

cl::opt<std::string> target("target",
                            cl::desc("Target device: cpu (the host's x86 "
                                     "CPU)"),
                            cl::value_desc("cpu"), cl::init(""),
                            cl::cat(dlcCategory));

cl::opt<std::string> modelName(
    "name",
    cl::desc("Symbol prefix and file names of the library and header "
             "(default: the model file's stem)"),
    cl::value_desc("NAME"), cl::init(""), cl::cat(dlcCategory));

cl::opt<std::string> weightsMode(
    "weights",
    cl::desc("Where the weights go: embedded (in the library, the default) "
             "or external (OUTDIR/NAME.weights, loaded at create)"),
    cl::value_desc("embedded|external"), cl::init("embedded"),
    cl::cat(dlcCategory));

cl::opt<std::string> cpuName("cpu",
                             cl::desc("CPU to tune and vectorize for: host "
                                      "(default) or an LLVM CPU name such as "
                                      "x86-64-v3, skylake-avx512"),
                             cl::value_desc("NAME"), cl::init("host"),
                             cl::cat(dlcCategory));

cl::opt<std::string> outputPath("o",
                                cl::desc("Output file ('-' for stdout, the "
                                         "default for --emit=graph)"),
                                cl::value_desc("path"), cl::init("-"),
                                cl::cat(dlcCategory));

cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Static shape of a graph input, e.g. input=1x3x224x224 "
             "(needed for inputs with symbolic dimensions; repeatable)"),
    cl::value_desc("NAME=DIMS"), cl::cat(dlcCategory));

cl::list<std::string> freezeInputs(
    "freeze-input",
    cl::desc("Replace a graph input by the constant tensor in a TensorProto "
             ".pb file, e.g. axes=test_data_set_0/input_1.pb (repeatable)"),
    cl::value_desc("NAME=FILE.pb"), cl::cat(dlcCategory));

cl::opt<int64_t> elideConstants(
    "elide-constants",
    cl::desc("Print constants with more elements than this as "
             "dense_resource<__elided__> (0 prints every constant in full)"),
    cl::value_desc("N"), cl::init(64), cl::cat(dlcCategory));

cl::opt<bool> printDebugInfo("print-locations",
                             cl::desc("Print node locations in the IR"),
                             cl::init(false), cl::cat(dlcCategory));
} // namespace

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
  WithColor::error(errs(), "dlc") << message << "\n";
  return 1;
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
    (void)print(outs());
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

static int compileForCPU(mlir::ModuleOp module, EmitKind kind) {
  std::string name = modelName.empty()
                         ? sys::path::stem(inputPath).str()
                         : modelName.getValue();
  if (!modelName.empty() &&
      dlc::codegen::sanitizeIdentifier(modelName) != modelName)
    return fail("--name '" + modelName +
                "' is not a C identifier (letters, digits, '_')");
  Expected<dlc::codegen::ModelSignature> signature =
      dlc::codegen::readSignature(module, name);
  if (!signature)
    return fail(toString(signature.takeError()));
  if (weightsMode != "embedded" && weightsMode != "external")
    return fail("--weights must be 'embedded' or 'external', got '" +
                weightsMode + "'");
  signature->externalWeights = weightsMode == "external";
  if (kind == EmitKind::Lib && outputPath == "-")
    return fail("--target=cpu writes a library: give the output folder "
                "with -o DIR");

  if (failed(dlc::codegen::lowerToLinalg(module)))
    return 1;
  if (kind == EmitKind::Linalg)
    return printModule(module, mlir::OpPrintingFlags().elideLargeElementsAttrs(
                                   elideConstants ? elideConstants : 1 << 30));
  if (failed(dlc::codegen::lowerToLLVMDialect(module, *signature)))
    return 1;
  dlc::codegen::CPUOptions cpu;
  cpu.cpu = cpuName;
  LLVMContext llvmContext;
  auto llvmModule = dlc::codegen::translateToLLVMIR(module, llvmContext,
                                                    *signature, cpu);
  if (!llvmModule)
    return fail(toString(llvmModule.takeError()));
  if (kind == EmitKind::LLVM) {
    std::string text;
    raw_string_ostream os(text);
    (*llvmModule)->print(os, nullptr);
    if (outputPath == "-") {
      outs() << text;
      return 0;
    }
    return writeBytes(outputPath, text);
  }
  auto object = dlc::codegen::emitObject(**llvmModule, cpu);
  if (!object)
    return fail(toString(object.takeError()));
  StringRef objectBytes(object->data(), object->size());
  if (kind == EmitKind::Obj) {
    if (outputPath == "-")
      return fail("--emit=obj writes a binary file: give it with -o FILE");
    return writeBytes(outputPath, objectBytes);
  }

  // Library and header; both are complete before either is renamed into
  // place.
  auto archive = dlc::codegen::makeArchive(signature->name + ".o", *object);
  if (!archive)
    return fail(toString(archive.takeError()));
  if (std::error_code ec = sys::fs::create_directories(outputPath))
    return fail("cannot create output folder '" + outputPath +
                "': " + ec.message());
  SmallString<256> libPath(outputPath), headerPath(outputPath);
  sys::path::append(libPath, "lib" + signature->name + ".a");
  sys::path::append(headerPath, signature->name + ".h");
  std::string header = dlc::codegen::generateHeader(*signature, inputPath);
  SmallString<256> weightsPath(outputPath);
  sys::path::append(weightsPath, signature->name + ".weights");
  if (signature->externalWeights &&
      writeBytes(weightsPath, StringRef(signature->weightsBlob.data(),
                                        signature->weightsBlob.size())))
    return 1;
  if (writeBytes(libPath, (*archive)->getBuffer())) {
    sys::fs::remove(weightsPath);
    return 1;
  }
  if (writeBytes(headerPath, header)) {
    sys::fs::remove(libPath);
    sys::fs::remove(weightsPath);
    return 1;
  }
  outs() << "dlc: wrote " << libPath << " and " << headerPath << " (weights "
         << signature->weightBytes << " bytes, arena "
         << signature->arenaBytes << " bytes)\n";
  return 0;
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
      "                                             show an intermediate level\n");

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
  mlir::OwningOpRef<mlir::ModuleOp> module =
      dlc::importOnnxFile(inputPath, context, options);
  if (!module)
    return 1;

  EmitKind kind = emit;
  if (kind == EmitKind::Default)
    kind = target.empty() ? EmitKind::Graph : EmitKind::Lib;
  if (kind != EmitKind::Graph) {
    if (target.empty())
      target = "cpu";
    if (target != "cpu") {
      WithColor::error(errs(), "dlc")
          << "unknown --target '" << target << "' (supported: cpu)\n";
      return 1;
    }
    return compileForCPU(*module, kind);
  }

  mlir::OpPrintingFlags flags;
  if (elideConstants > 0)
    flags.elideLargeElementsAttrs(elideConstants);
  if (printDebugInfo)
    flags.enableDebugInfo();
  return printModule(*module, flags);
}
