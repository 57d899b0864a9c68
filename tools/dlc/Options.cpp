//===- Options.cpp - the command-line options of dlc ----------------------===//

#include "Options.h"

using namespace llvm;

namespace dlc::tool::opts {
cl::OptionCategory dlcCategory("dlc options");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::cat(dlcCategory));

cl::opt<EmitKind> emit(
    "emit", cl::desc("What to produce (default: graph, or lib with --target)"),
    cl::init(EmitKind::Default),
    cl::values(
        clEnumValN(EmitKind::Graph, "graph",
                   "verified graph-dialect IR of the imported model"),
        clEnumValN(EmitKind::Linalg, "linalg",
                   "the model lowered to linalg on tensors"),
        clEnumValN(EmitKind::GPU, "gpu",
                   "GPU targets: host code and outlined kernels in the gpu "
                   "dialect, after block/thread mapping"),
        clEnumValN(EmitKind::Ptx, "ptx",
                   "--target=cuda: the PTX of every requested architecture"),
        clEnumValN(EmitKind::AMDGPU, "amdgpu",
                   "--target=rocm: the AMDGPU assembly of every requested "
                   "architecture"),
        clEnumValN(EmitKind::LLVM, "llvm",
                   "LLVM IR of the model, its entry point and descriptor"),
        clEnumValN(EmitKind::Obj, "obj", "the x86 object file (-o FILE)"),
        clEnumValN(EmitKind::Lib, "lib",
                   "static library and C header in the -o folder")),
    cl::cat(dlcCategory));

cl::opt<std::string> target(
    "target",
    cl::desc("Target device: cpu (the host's x86 CPU); cuda:sm_XY[,sm_XY...] "
             "(NVIDIA: PTX and, with ptxas, cubins); rocm:gfxNNN[,...] (AMD "
             "code objects); gpu-emu (the GPU-mapped kernels run on the host "
             "CPU, for testing the mapping without a GPU); several device "
             "kinds, e.g. cpu,cuda:sm_80,sm_90,rocm:gfx942, make one library "
             "whose NAME_create runs the code of the device it is given"),
    cl::value_desc("cpu|cuda:ARCHS|rocm:ARCHS|gpu-emu"), cl::init(""),
    cl::cat(dlcCategory));

cl::opt<std::string> cudaPath(
    "cuda-path",
    cl::desc("CUDA toolkit folder whose bin/ptxas makes cubins (default: "
             "$CUDA_PATH, /usr/local/cuda, then PATH)"),
    cl::value_desc("DIR"), cl::init(""), cl::cat(dlcCategory));

cl::opt<int64_t> gpuBlockSize(
    "gpu-block-size",
    cl::desc("Threads per block of every GPU kernel (default 0: the cost "
             "model chooses per kernel)"),
    cl::value_desc("N"), cl::init(0), cl::cat(dlcCategory));

cl::opt<std::string> tensorCores(
    "tensor-cores",
    cl::desc("GPU products with fp16 / bf16 inputs (--precision=fp16|bf16): "
             "'auto' (default) runs them on tensor cores where the target "
             "has them (cuda: mma.sync when every architecture is sm_80 or "
             "newer; rocm: mfma when every architecture is gfx90a or "
             "gfx942; gpu-emu: the mma.sync kernels, emulated), 'none' "
             "keeps the SIMT kernels, 'mma.sync' / 'mfma' ask for NVIDIA's "
             "or AMD's kernels (an error on the other vendor's target; on "
             "gpu-emu, 'mfma' emulates the AMD kernels)"),
    cl::value_desc("auto|none|mma.sync|mfma"), cl::init("auto"),
    cl::cat(dlcCategory));

cl::opt<std::string> emuCheck(
    "emu-check",
    cl::desc("--target=gpu-emu checking mode: 'races' reports accesses of "
             "workgroup or global memory by two threads of a block between "
             "two barriers (and reads before an async copy's wait), and "
             "runs the threads of each phase in reverse; "
             "'order=forward|reverse|shuffle:SEED' sets the thread order "
             "(comma-separated, e.g. races,order=shuffle:7)"),
    cl::value_desc("races[,order=...]"), cl::init(""), cl::cat(dlcCategory));

cl::opt<std::string> saveImagesDir(
    "save-images",
    cl::desc("GPU targets: also write every kernel image the library embeds "
             "to DIR as NAME.ARCH.cubin, NAME.ARCH.ptx or NAME.ARCH.hsaco "
             "(for cuobjdump, llvm-readelf, llvm-objdump)"),
    cl::value_desc("DIR"), cl::init(""), cl::cat(dlcCategory));

cl::opt<std::string> kernelStatsPath(
    "kernel-stats",
    cl::desc("--target=cuda: write ptxas's per-kernel registers, spills, "
             "stack and shared memory, and which kernels use tensor cores, "
             "as CSV to FILE"),
    cl::value_desc("FILE"), cl::init(""), cl::cat(dlcCategory));

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

cl::opt<std::string> cpuKernels(
    "cpu-kernels",
    cl::desc("How --target=cpu compiles contractions (matmul, Gemm, "
             "convolutions): tiled (register-tiled vector kernels with "
             "packed weights and fused epilogues, the default) or loops "
             "(plain loop nests that LLVM vectorizes)"),
    cl::value_desc("tiled|loops"), cl::init("tiled"), cl::cat(dlcCategory));

cl::opt<std::string> precisionFlag(
    "precision",
    cl::desc("Precision of the products and convolutions: fp32 (the "
             "model's, the default), tf32, fp16 or bf16 (inputs in that "
             "type, accumulation in f32; everything else stays f32)"),
    cl::value_desc("fp32|tf32|fp16|bf16"), cl::init("fp32"),
    cl::cat(dlcCategory));

cl::opt<std::string> ioPrecision(
    "io-precision",
    cl::desc("Element type of the model's interface: model (its own types, "
             "the default), fp16 or bf16 (every float32 input and output "
             "in that type, as the header declares; converted to f32 at "
             "the boundary where the kernels compute in f32)"),
    cl::value_desc("model|fp16|bf16"), cl::init("model"),
    cl::cat(dlcCategory));

cl::opt<double> maxRelError(
    "max-rel-error",
    cl::desc("--precision=auto: the budget, each output's relative L2 error "
             "against the fp32 compile"),
    cl::value_desc("E"), cl::init(-1), cl::cat(dlcCategory));

cl::opt<std::string> calibration(
    "calibration",
    cl::desc("--precision=auto: inputs to measure with (input_N.pb or "
             "NAME.npy files; random inputs otherwise)"),
    cl::value_desc("DIR"), cl::init(""), cl::cat(dlcCategory));

cl::opt<std::string> lowPrecision(
    "low-precision",
    cl::desc("--precision=auto: the type products may take (default bf16 "
             "for --target=cpu, fp16 for GPU targets)"),
    cl::value_desc("fp16|bf16"), cl::init(""), cl::cat(dlcCategory));

cl::opt<int64_t> precisionMinTerms(
    "precision-min-terms",
    cl::desc("With --precision: products summing fewer terms per output "
             "stay f32 (default 32; 1 demotes every product)"),
    cl::value_desc("N"), cl::init(32), cl::cat(dlcCategory));

cl::list<std::string> keepFp32(
    "keep-fp32",
    cl::desc("ONNX nodes whose products stay f32 under --precision"),
    cl::value_desc("NODE[,NODE...]"), cl::CommaSeparated,
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

cl::opt<bool> reportStackFrames(
    "report-stack-frames",
    cl::desc("Print the largest stack frame of the host object (as laid "
             "out by the x86 back end); fail if a frame is over 64 KiB or "
             "allocates dynamically"),
    cl::init(false), cl::cat(dlcCategory));

cl::opt<std::string> explain(
    "explain",
    cl::desc("--target=cpu: print the kernels of one inference instead of "
             "writing output (the ONNX nodes each covers, kind, strategy, "
             "tile sizes, FLOPs, bytes moved and the time at --peak-gflops); "
             "text (the default) or json ({\"kernels\": [...]})"),
    cl::value_desc("text|json"), cl::ValueOptional, cl::cat(dlcCategory));

cl::opt<double> peakGflops(
    "peak-gflops",
    cl::desc("FMA peak used by --explain for the time at peak (default 225: "
             "two Zen 4 cores at about 3.5 GHz, 32 flops per cycle each)"),
    cl::value_desc("GFLOP/s"), cl::init(225.0), cl::cat(dlcCategory));

cl::opt<bool> timing(
    "timing",
    cl::desc("Print to stderr where the compile's time went: the import, "
             "each pipeline stage with its passes, LLVM's code generation, "
             "ptxas, ld.lld, the archive (see --list-stages)"),
    cl::init(false), cl::cat(dlcCategory));

cl::opt<bool> listStages(
    "list-stages",
    cl::desc("Print the stages of a compile for --target (default cpu) and "
             "exit (no model needed)"),
    cl::init(false), cl::cat(dlcCategory));

cl::list<std::string> dumpAfter(
    "dump-after",
    cl::desc("Write the IR after these stages (comma-separated; see "
             "--list-stages) to --dump-dir, or to stderr"),
    cl::value_desc("STAGE[,STAGE...]"), cl::CommaSeparated,
    cl::cat(dlcCategory));

cl::opt<std::string> dumpDir(
    "dump-dir",
    cl::desc("Folder of --dump-after's files, DIR/NN-STAGE.mlir (or .ll for "
             "LLVM IR); created if missing"),
    cl::value_desc("DIR"), cl::init(""), cl::cat(dlcCategory));

cl::opt<bool> quiet("q",
                    cl::desc("Quiet: no progress line and no informational "
                             "messages (what was written, ptxas summaries); "
                             "errors and warnings still print"),
                    cl::init(false), cl::cat(dlcCategory));

cl::opt<unsigned> progressDelayMs(
    "progress-delay-ms",
    cl::desc("Show the progress line once a compile has run this long "
             "(on a terminal; default 2000)"),
    cl::init(2000), cl::Hidden, cl::cat(dlcCategory));

cl::opt<bool> printDebugInfo("print-locations",
                             cl::desc("Print node locations in the IR"),
                             cl::init(false), cl::cat(dlcCategory));
} // namespace dlc::tool::opts
