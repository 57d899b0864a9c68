//===- Options.h - the command-line options of dlc ----------------*- C++ -*-===//
//
// dlc's flags (defined in Options.cpp), shared by its source files.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_DLC_OPTIONS_H
#define DLC_TOOLS_DLC_OPTIONS_H

#include "llvm/Support/CommandLine.h"
#include <cstdint>
#include <string>

namespace dlc::tool::opts {

extern llvm::cl::OptionCategory dlcCategory;
extern llvm::cl::opt<std::string> inputPath;
enum class EmitKind { Default, Graph, Linalg, GPU, Ptx, AMDGPU, LLVM, Obj, Lib };
extern llvm::cl::opt<EmitKind> emit;
extern llvm::cl::opt<std::string> target;
extern llvm::cl::opt<std::string> cudaPath;
extern llvm::cl::opt<int64_t> gpuBlockSize;
extern llvm::cl::opt<std::string> tensorCores;
extern llvm::cl::opt<std::string> emuCheck;
extern llvm::cl::opt<std::string> saveImagesDir;
extern llvm::cl::opt<std::string> kernelStatsPath;
extern llvm::cl::opt<std::string> modelName;
extern llvm::cl::opt<std::string> weightsMode;
extern llvm::cl::opt<std::string> cpuName;
extern llvm::cl::opt<std::string> cpuKernels;
extern llvm::cl::opt<std::string> precisionFlag;
extern llvm::cl::opt<std::string> ioPrecision;
extern llvm::cl::opt<double> maxRelError;
extern llvm::cl::opt<std::string> calibration;
extern llvm::cl::opt<std::string> lowPrecision;
extern llvm::cl::list<std::string> keepFp32;
extern llvm::cl::opt<int64_t> precisionMinTerms;
extern llvm::cl::opt<std::string> outputPath;
extern llvm::cl::list<std::string> inputShapes;
extern llvm::cl::list<std::string> freezeInputs;
extern llvm::cl::opt<int64_t> elideConstants;
extern llvm::cl::opt<bool> reportStackFrames;
extern llvm::cl::opt<std::string> explain;
extern llvm::cl::opt<double> peakGflops;
extern llvm::cl::opt<bool> timing;
extern llvm::cl::opt<bool> listStages;
extern llvm::cl::list<std::string> dumpAfter;
extern llvm::cl::opt<std::string> dumpDir;
extern llvm::cl::opt<bool> quiet;
extern llvm::cl::opt<unsigned> progressDelayMs;
extern llvm::cl::opt<bool> printDebugInfo;

} // namespace dlc::tool::opts

#endif // DLC_TOOLS_DLC_OPTIONS_H
