//===- dlc.cpp - the dlc compiler command line ----------------------------===//
//
//   dlc MODEL.onnx --emit=graph [-o FILE] [--input-shape NAME=DIMS ...]
//
//===----------------------------------------------------------------------===//

#include "dlc/Compiler/Importer.h"
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

enum class EmitKind { Graph };
cl::opt<EmitKind> emit(
    "emit", cl::desc("What to produce"), cl::init(EmitKind::Graph),
    cl::values(clEnumValN(EmitKind::Graph, "graph",
                          "verified graph-dialect IR of the imported model")),
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

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(dlcCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dlc: ahead-of-time compiler for ONNX models\n\n"
      "  dlc MODEL.onnx --emit=graph       print the imported graph IR\n");

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

  mlir::MLIRContext context;
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

  mlir::OpPrintingFlags flags;
  if (elideConstants > 0)
    flags.elideLargeElementsAttrs(elideConstants);
  if (printDebugInfo)
    flags.enableDebugInfo();
  auto print = [&](raw_ostream &os) {
    module->print(os, flags);
    os << "\n";
    return Error::success();
  };
  if (outputPath == "-") {
    (void)print(outs());
    return 0;
  }
  // Written through a temporary file and renamed: never a partial output.
  if (Error e = writeToOutput(outputPath, print)) {
    WithColor::error(errs(), "dlc") << toString(std::move(e)) << "\n";
    return 1;
  }
  return 0;
}
