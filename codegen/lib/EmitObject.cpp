//===- EmitObject.cpp - LLVM IR to an x86 object --------------------------===//
//
// LLVM's -O3 pipeline and the x86 back end, with the stack frame of every
// function read back from the back end's stack-usage report.
//
// Tried: splitting the module (llvm::SplitModule, the embedded weights
// moved to a data-only module first) into parts with their own context,
// -O3 and code generation on a thread pool, linked by `ld.lld -r`. On the
// 2-core development machine (with other jobs running), BERT-base's -O3 plus code generation went
// from 11.4 s serial to 14.8 s on two threads (20.9 s CPU against 17.0 s:
// the bitcode round trip, the link and the lost cross-part inlining cost
// more than the second core gave), so code generation stays serial.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/CPUTarget.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using llvm::Error;
using llvm::Expected;
using llvm::SmallVector;
using llvm::StringRef;

namespace dlc::codegen {

static Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Parses the back end's stack-usage file: "MODULE:FUNCTION<tab>BYTES<tab>
/// static|dynamic[,bounded]" per function.
static std::vector<StackFrame> parseStackUsage(StringRef text) {
  std::vector<StackFrame> frames;
  SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef line : lines) {
    SmallVector<StringRef, 3> fields;
    line.split(fields, '\t');
    StackFrame f;
    if (fields.size() != 3 || fields[1].getAsInteger(10, f.bytes))
      continue;
    f.function = fields[0].rsplit(':').second.str();
    f.dynamic = fields[2].starts_with("dynamic");
    frames.push_back(std::move(f));
  }
  return frames;
}

Expected<SmallVector<char, 0>> emitObject(llvm::Module &module,
                                          const CPUOptions &options,
                                          std::vector<StackFrame> *frames) {
  auto tm = createTargetMachine(options);
  if (!tm)
    return tm.takeError();
  // The frame of every function, as laid out by the back end, goes to a
  // stack-usage file (TargetOptions::StackUsageOutput), read back below.
  llvm::SmallString<128> usagePath;
  if (options.measureStackFrames && frames) {
    if (llvm::sys::fs::createTemporaryFile("dlc-stack", "su", usagePath))
      return makeError("cannot create a temporary file for the stack "
                       "frame report");
    (*tm)->Options.StackUsageOutput = usagePath.str().str();
  }
  llvm::scope_exit removeUsage([&] {
    if (!usagePath.empty())
      llvm::sys::fs::remove(usagePath);
  });
  CompileObserver *observer = options.observer;
  TimingScope scope = observer ? observer->begin("llvm-opt") : TimingScope();
  auto optimize = makeOptimizingTransformer(3, 0, tm->get());
  if (Error e = optimize(&module))
    return e;
  scope.stop();
  if (observer)
    if (Error e = observer->irAfter("llvm-opt", module))
      return e;
  if (observer)
    scope = observer->begin("llvm-codegen");
  SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  {
    // The pass manager's destruction closes the stack-usage file.
    llvm::legacy::PassManager pm;
    if ((*tm)->addPassesToEmitFile(pm, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
      return makeError("the target cannot emit object files");
    pm.run(module);
  }
  if (!usagePath.empty()) {
    auto text = llvm::MemoryBuffer::getFile(usagePath, /*IsText=*/true);
    if (!text)
      return makeError("cannot read the stack frame report: " +
                       text.getError().message());
    *frames = parseStackUsage((*text)->getBuffer());
  }
  return buffer;
}


} // namespace dlc::codegen
