//===- Passes.td - dlc passes ------------------------------*- tablegen -*-===//

#ifndef DLC_PASSES_PASSES_TD
#define DLC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldBatchNorm : Pass<"dlc-fold-batch-norm", "mlir::ModuleOp"> {
  let summary = "Fold inference BatchNormalization into the preceding Conv";
  let description = [{
    A graph.batch_norm whose input is a graph.conv used only by it, with
    constant f32 weights, bias, scale, shift, mean and variance, becomes
    the convolution's weights and bias: with s = scale / sqrt(var + eps),
    W' = W * s per output channel and b' = (b - mean) * s + shift. The
    convolution keeps both nodes' locations.
  }];
}

def FoldWeights : Pass<"dlc-fold-weights", "mlir::ModuleOp"> {
  let summary = "Fold weight-only subgraphs at compile time, whatever their "
                "size";
  let description = [{
    Graph-level folding with the importer's size bound lifted: every graph
    op whose operands are all constants (a Transpose, Reshape, Cast or Mul
    of initializers, such as a Gemm weight with transB) is replaced by its
    value, so that the weight is computed once at compile time instead of
    at every inference, and packed by the kernel strategies. Dead
    constants are removed.
  }];
}

def MergeProducts : Pass<"dlc-merge-products", "mlir::ModuleOp"> {
  let summary = "Merge MatMuls that share their input into one product";
  let description = [{
    graph.matmul ops reading the same activation with constant f32 weights
    of the same K (attention's query, key and value projections) become one
    graph.matmul over the weights concatenated along N at compile time,
    followed by one graph.slice per original product. When each product is
    followed by a graph.add of a constant [N_i] bias, the biases are
    concatenated and added to the merged product. The new ops carry the
    locations of every merged node.
  }];
}

def AssignPrecision : Pass<"dlc-assign-precision", "mlir::ModuleOp"> {
  let summary = "Compute contractions and convolutions in fp16, bf16 or "
                "tf32 with fp32 accumulation";
  let description = [{
    Runs on linalg on tensors, right after the graph lowering, where every
    product and convolution is one linalg op reading its weights as plain
    constants. One policy table decides per kernel kind: products and
    convolutions (`out + a * b` with f32 operands) read their inputs in the
    chosen type and accumulate in f32; reductions, softmax,
    normalizations, transcendental functions, every other elementwise op
    and the model's inputs and outputs stay f32. Constant inputs (weights)
    are converted once, at compile time (round to nearest even); an
    activation input gets a cast, placed above the transposes, reshapes
    and paddings it passes through so those move half the bytes.
    Products summing fewer than `min-reduction-terms` terms per output
    (depthwise convolutions) stay f32: memory bound, they gain nothing, and
    their rounding error does not average out.
    Nodes named in `keep-fp32` (ONNX node names) stay f32. `tf32` marks
    the products (`dlc.precision = "tf32"`) without changing their types:
    the tensor cores read tf32; the CPU and the SIMT GPU kernels compute
    them in f32. Every demoted product carries `dlc.precision`.
    With `io-precision` (fp16 or bf16) the f32 tensor inputs and results of
    @main take that type: inputs are widened right after entry (a product
    in the same low type reads the argument itself), results narrowed
    before the return.
  }];
  let options = [
    Option<"precision", "precision", "std::string", "\"fp32\"",
           "fp32, tf32, fp16 or bf16">,
    ListOption<"keepFp32", "keep-fp32", "std::string",
               "ONNX node names whose products stay f32">,
    Option<"minReductionTerms", "min-reduction-terms", "int64_t", "32",
           "Products summing fewer terms per output (depthwise "
           "convolutions) stay f32">,
    Option<"ioPrecision", "io-precision", "std::string", "\"model\"",
           "The model's interface: model (its own types), fp16 or bf16 "
           "(every f32 input and output of @main in that type, widened / "
           "narrowed at the boundary)">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def ConvertGraphToLinalg : Pass<"convert-graph-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower graph ops to linalg, tensor, arith and math";
  let description = [{
    Every graph op becomes destination-style tensor code: named linalg ops
    where they exist (matmul, fill, transpose), linalg.generic for
    elementwise math with broadcasting and for reductions, and tensor ops
    for reshapes, slices and concatenation. Unsigned element types become
    signless integers of the same width (the signedness is kept in the
    arithmetic that is chosen). Function signatures are converted the same
    way; the original element types stay in each argument's and result's
    `graph.dtype` attribute for the runtime's tensor descriptors. An op
    without a lowering is an error that names the op.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::tensor::TensorDialect",
    "mlir::func::FuncDialect", "mlir::scf::SCFDialect"
  ];
}

def PlanMemory : Pass<"dlc-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place intermediate buffers in one arena; optionally move "
                "weights to an external blob";
  let description = [{
    Runs on bufferized code. The model function `func` gets two trailing
    arguments, the arena and the weights blob (memref<Nxi8>). Every
    statically shaped `memref.alloc` of the function body becomes a
    `memref.view` into the arena; buffers whose live ranges (from the
    allocation to the last use through any view of it, at the granularity
    of the body's top-level ops) do not overlap share bytes. Offsets are
    aligned to 64 bytes. The arena size is stored in the module attribute
    `dlc.arena_bytes`.

    With `external-weights`, every `memref.get_global` of a constant global
    becomes a view into the weights argument (except the index tables of
    the CPU kernels, marked `dlc.table`, which stay in the code); each
    global gets a
    `dlc.weights_offset` attribute and the module `dlc.weight_bytes`, so
    that the back end can write the blob and drop the globals.

    A `memref.copy` involving a strided view becomes `linalg.copy`, so that
    it lowers to loops instead of a call into MLIR's runner library.
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"externalWeights", "external-weights", "bool", "false",
           "Read constant globals from the weights argument">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect"];
}

def OutlineParallel : Pass<"dlc-outline-parallel", "mlir::ModuleOp"> {
  let summary = "Run the model's top-level parallel loops on the runtime's "
                "thread pool";
  let description = [{
    Runs after `convert-linalg-to-parallel-loops`. The model function `func`
    gets a trailing `memref<0xi8>` argument, the runtime's execution context.
    Each `scf.parallel` directly in its body with constant bounds and at
    least `min-trip-count` iterations in its outermost dimension that runs
    more than once (earlier dimensions of one iteration, such as a batch of
    1, stay inside) becomes
      * a private function `__dlc_par_N(%begin, %end, captured memrefs...)`
        running iterations [begin, end) of that dimension (the loop's other
        dimensions stay inside), and
      * a call to `__dlc_launch_N(%ctx, %iterations, captured memrefs...)`,
        declared here and defined by the CPU back end in LLVM IR as a call
        to the runtime's `dlc_parallel_for`.
    Constants used by the loop are cloned into the outlined function;
    captured memrefs must be statically shaped with identity layouts (bare
    pointers), otherwise the loop stays serial.
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"minTripCount", "min-trip-count", "int64_t", "2",
           "Smallest first-dimension trip count worth distributing">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def InterchangeReductions
    : Pass<"dlc-interchange-reductions", "mlir::ModuleOp"> {
  let summary = "Move the reduction loops of contractions outside the "
                "innermost parallel loop";
  let description = [{
    For a linalg op whose innermost loop is a reduction (matmul, convolution,
    Einsum contractions) and whose last parallel dimension indexes the
    innermost dimension of its output and of one of its inputs, the loops are
    reordered to (other parallel dims, reduction dims, last parallel dim):
    the innermost loop then walks contiguous memory and updates independent
    outputs, which LLVM vectorizes, instead of a strided scalar reduction.
    Named ops are generalized first.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def FuseElementwise : Pass<"dlc-fuse-elementwise", "mlir::ModuleOp"> {
  let summary = "Fuse chains of elementwise linalg ops without recomputation";
  let description = [{
    Upstream elementwise fusion (`populateElementwiseOpsFusionPatterns`)
    restricted to consumers that are themselves elementwise (all loops
    parallel): an elementwise producer fused into a reduction such as a
    matmul would be recomputed once per reduction step. A producer is only
    fused into its single consumer: one that other ops read as well would
    be computed twice. Shape ops stay as they are.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def CPUTileContractions
    : Pass<"dlc-cpu-tile-contractions", "mlir::ModuleOp"> {
  let summary = "Register-tiled, vectorized, parallel CPU kernels for "
                "f32, bf16 and f16 contractions, with the elementwise "
                "consumer as epilogue";
  let description = [{
    Runs on bufferized code, before dlc-plan-memory. Every f32 contraction
    (linalg.matmul, batch_matmul, or a linalg.generic computing
    `out + a * b` whose loops classify as batch / M / N / K by operand use:
    batched and broadcast products, convolutions as implicit GEMM) that
    starts from a zero fill becomes one kernel: an scf.parallel over tasks
    (batch x groups of N panels) for dlc-outline-parallel, each panel of
    `nr` columns of the vector operand (the input sharing the output's
    innermost loop) read in place when contiguous, else gathered into a
    per-task buffer, and `mr x nr` accumulators in vector registers per
    tile of M. Constant operands (weights) are packed into the tile layout
    at compile time. With `fuse-epilogues`, the elementwise consumer of the
    product (bias, activation, residual add, cast) is applied to the
    registers before the store and the intermediate buffer disappears.
    Tile sizes come from CPUCostModel.h for the given vector width and
    register count. Products of bf16 or f16 operands with an f32
    accumulator (the widening payloads of dlc-assign-precision) take the
    same kernels: with `bf16-dot` a bf16 product runs on AVX512_BF16 dot
    products over pairs of k (weights packed as k pairs at compile time,
    rows of an operand read in place interleaved in registers); otherwise
    the 16-bit operands are loaded as such and widened to f32 in registers
    (F16C for f16).
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", "256",
           "Vector width of the kernels in bits">,
    Option<"vectorRegisters", "vector-registers", "int64_t", "16",
           "Vector registers of the target (16 with AVX2, 32 with AVX-512)">,
    Option<"fuseEpilogues", "fuse-epilogues", "bool", "true",
           "Apply the elementwise consumer to the register tile">,
    Option<"swapOperands", "swap-operands", "bool", "true",
           "Also consider vectors along a constant input (the output "
           "channels of a convolution) and keep the cheaper estimate">,
    Option<"bf16Dot", "bf16-dot", "bool", "false",
           "bf16 products through AVX512_BF16 dot products of k pairs "
           "(vdpbf16ps); without it bf16 and f16 operands are widened to "
           "f32 in registers">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::x86vector::X86VectorDialect"];
}

def FormKernels : Pass<"dlc-form-kernels", "mlir::ModuleOp"> {
  let summary = "Group the linalg-on-tensors ops of every function into "
                "kernel.group ops";
  let description = [{
    Every computing linalg op ends up in exactly one `kernel.group`:
      * a product or convolution with its zero fill, the pure transposes
        feeding it, and its single elementwise consumer (the epilogue) or,
        without one, a single transpose of its result;
      * a row-wise reduction with every op up to the last elementwise op
        reading it (softmax, layer normalization, mean / variance chains),
        when all of them share the leading loops of that last op and every
        producer is used only inside the group;
      * any other linalg op alone.
    A producer joins a group only if all its users are in it (nothing is
    computed twice). Unit dimensions added by tensor.expand_shape between
    ops are folded into the consumers' indexing maps first. Constants are
    cloned into the groups; the root op carries `kernel.root`.
  }];
  let dependentDialects = ["dlc::kernel::KernelDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def LowerKernels : Pass<"dlc-lower-kernels", "mlir::ModuleOp"> {
  let summary = "Replace every kernel.group by its ops, rewritten into one "
                "kernel";
  let description = [{
    Contraction groups: transposes feeding the product are folded into its
    indexing maps, a transpose of its result into its output map, and the
    epilogue stays right after the product for the kernel strategies.
    Row groups (softmax, normalization, reduction), with `tile-rows`: the
    last op is tiled over its leading (row) loops into one scf.forall with
    every member fused into the tile (upstream tile-and-fuse); the row tile
    comes from the CPU cost model. The tiled op carries `dlc.kind`,
    `dlc.strategy`, `dlc.flops`, `dlc.bytes` and `dlc.tiles`.
  }];
  let options = [
    Option<"tileRows", "tile-rows", "bool", "true",
           "Tile row groups into one parallel loop over row tiles">,
    Option<"threads", "threads", "int64_t", "2",
           "Threads the row tiles are spread over">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def DescribeKernels : Pass<"dlc-describe-kernels", "mlir::ModuleOp"> {
  let summary = "List the kernels of the model function; optionally time them";
  let description = [{
    Every top-level op of `func` that computes (an scf.parallel kernel, a
    linalg op, a loop nest, a memref.copy) is one kernel of an inference.
    The module attribute `dlc.kernels` lists them in order: id, the ONNX
    nodes (from the name locations), kind, strategy, tile sizes, FLOPs and
    bytes moved (from the `dlc.kind`, `dlc.strategy`, `dlc.tiles`,
    `dlc.flops` and `dlc.bytes` attributes that kernel strategies leave,
    else estimated from the op). With `instrument`, each kernel is
    bracketed by calls of `dlc_profile_enter(i32 id)` and
    `dlc_profile_exit(i32 id)`, which the program that runs the model
    provides (dlc-run --profile).
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"instrument", "instrument", "bool", "false",
           "Call dlc_profile_enter/exit around every kernel">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect",
                           "mlir::arith::ArithDialect"];
}

//===----------------------------------------------------------------------===//
// GPU kernels
//===----------------------------------------------------------------------===//

def GPUMapLoops : Pass<"dlc-gpu-map-loops", "mlir::ModuleOp"> {
  let summary = "Map the model's top-level parallel loops to GPU blocks and "
                "threads";
  let description = [{
    Runs after `convert-linalg-to-parallel-loops` on bufferized code. Every
    top-level `scf.parallel` of the model function `func` (constant bounds,
    any number of dimensions) becomes a `gpu.launch`: its iteration space is
    linearized, the innermost loop dimension varying fastest so that
    consecutive threads touch consecutive elements (coalesced access), and
    each thread runs one iteration (`blockIdx.x * blockDim.x + threadIdx.x`
    delinearized, guarded against the tail). Loops nested in the body (the
    reduction loops of matmul, convolution, pooling and reductions) run
    inside the thread. The block size comes from the GPU cost model for the
    kernel kind (elementwise or with per-thread reduction loops) and the
    iteration count; `block-size` overrides it for tests.

    Any other top-level op that touches memory (a scalar store of a 0-d
    result, for instance) is wrapped, with the pure ops computing from it,
    into a launch of one thread: after this pass the host code only
    creates views and launches kernels. A `memref.alloc` or
    `memref.get_global` left in the function is an error (the GPU targets
    need every buffer in the arena and every constant in the weights).
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"blockSize", "block-size", "int64_t", "0",
           "Threads per block (0: from the cost model)">,
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

def GPUTileContractions : Pass<"dlc-gpu-tile-contractions", "mlir::ModuleOp"> {
  let summary = "Shared-memory tiled GPU kernels for matrix products";
  let description = [{
    Runs on bufferized code before the loops are mapped. Each contraction
    on statically shaped f32 memrefs (`linalg.matmul`, `linalg.batch_matmul`
    and any `linalg.generic` whose payload is C += A * B: batched and
    broadcast products, convolutions as implicit GEMM) is seen as a product
    C[batch][M][N] += A[M][K] B[K][N], its loops classified by the operands
    using them (batch: all three; M: A and C; N: B and C; K: the
    reductions), M, N and K linearized and the operands addressed through
    their indexing maps. When the GPU cost model finds it large enough it
    becomes a `gpu.launch` over a grid of C tiles (x: column tiles,
    y: row tiles, z: batch): per tileK-deep step, the block's threads copy
    the A and B slices into workgroup memory with coalesced loads (zero
    outside the matrices), synchronize, and each thread accumulates its
    threadM x threadN sub-tile in private memory with fused multiply-adds;
    at the end C += the accumulators. Smaller products are left to
    `dlc-gpu-map-loops`. With `fuse-epilogues`, the product's elementwise
    consumer (bias, activation, residual add: its kernel group's epilogue)
    is applied to the accumulators instead and stored into its output;
    the consumer and the product's own buffer disappear. Mixed-precision
    products (f16 or bf16 inputs, each widened by an `arith.extf` to f32 in
    the payload, and an f32 output) keep the inputs' type in workgroup
    memory and widen each value when it is multiplied; the accumulators
    stay f32.

    With `tensor-cores=mma.sync`, products with fp16 or bf16 inputs (both
    the same type) of at least 16x16x16 become tensor-core kernels
    instead (the launch carries `dlc.tensor_cores = "mma.sync"`): warps
    of 16x8 accumulator fragments, `nvgpu.ldmatrix` from padded workgroup
    slices (conflict-free rows), `nvgpu.mma.sync` m16n8k16 with f32
    accumulation, and a three-stage (two for 128x128 tiles) `nvgpu.device_async_copy` (cp.async)
    pipeline when both operands are contiguous, aligned views along their
    slice rows; tile shapes from the GPU cost model (`chooseMmaTiles`).

    With `tensor-cores=mfma`, the same products become AMD matrix-core
    kernels (CDNA2 / CDNA3: gfx90a, gfx942; the launch carries
    `dlc.tensor_cores = "mfma"`): blocks of four 64-lane waves, each wave
    a sub-tile of 16x16 accumulator tiles; A and B slices staged in padded
    workgroup memory (both as [row][k], so that each lane reads its four
    consecutive k as one vector), `amdgpu.mfma` 16x16x16 with f16 or bf16
    inputs and f32 accumulators; tile shapes from `chooseMfmaTiles`.
  }];
  let options = [
    Option<"fuseEpilogues", "fuse-epilogues", "bool", "true",
           "Apply the elementwise consumer to the accumulators">,
    Option<"tensorCores", "tensor-cores", "std::string", "\"none\"",
           "Tensor-core kernels for fp16 / bf16 products: none, "
           "mma.sync (NVIDIA sm_80 and newer) or mfma (AMD gfx90a / "
           "gfx942), and their emulation">,
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::nvgpu::NVGPUDialect",
                           "mlir::amdgpu::AMDGPUDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect"];
}

def GPUWarpReductions : Pass<"dlc-gpu-warp-reductions", "mlir::ModuleOp"> {
  let summary = "One warp per output element of row reductions, combined "
                "with subgroup reductions (shuffles)";
  let description = [{
    Runs on bufferized code before the loops are mapped. A `linalg.generic`
    whose only reduction loop is its innermost, whose payload folds one
    value into the output with an associative combiner (add, mul, max, min
    on f32 or i32) and whose rows are long enough for the GPU cost model
    becomes a `gpu.launch` with one 32-lane warp per output element: lane
    l combines the elements l, l+32, ... (consecutive lanes read
    consecutive addresses), `gpu.subgroup_reduce` with a cluster of 32
    combines the lanes, and lane 0 folds the total into the output. Warps
    beyond the last element recompute it without storing, so that whole
    warps take part in the shuffles.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::memref::MemRefDialect"];
}

def GPULowerSubgroupReduce
    : Pass<"dlc-gpu-lower-subgroup-reduce", "mlir::gpu::GPUModuleOp"> {
  let summary = "Lower gpu.subgroup_reduce to butterfly shuffles";
  let description = [{
    Upstream's shuffle lowering (`gpu.shuffle xor`) for a subgroup of
    `subgroup-size` lanes (32 on NVIDIA, 64 on CDNA AMD GPUs).
  }];
  let options = [
    Option<"subgroupSize", "subgroup-size", "unsigned", "32",
           "Lanes per subgroup (warp or wave)">,
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

def GPULaunchToLoops : Pass<"dlc-gpu-launch-to-loops", "mlir::ModuleOp"> {
  let summary = "Execute GPU launches on the host: blocks as a parallel "
                "loop, threads as a serial loop inside";
  let description = [{
    The host emulation of the GPU-mapped kernels (target `gpu-emu`): each
    `gpu.launch` becomes an `scf.parallel` over its grid (so that the CPU
    back end distributes blocks over the thread pool) holding `scf.for`
    loops over the threads of a block, with the launch's block and thread
    ids and sizes replaced by the loop variables and the launch sizes. The
    kernel body, and so the block/thread index arithmetic and tail guards,
    runs unchanged. Barriers split the body into phases, each a loop over
    the threads, so that every thread finishes a phase before any starts
    the next (a barrier may sit in the body or in an `scf.for` of the body
    whose bounds do not depend on the thread); index values a later phase
    needs are recomputed there, workgroup memory becomes one buffer per
    block and private memory one slot per thread. `gpu.subgroup_reduce` in
    the body is a phase boundary too: each thread's operand goes to a slot,
    the slots of each cluster are combined in lane order and every lane
    reads its cluster's result. A kernel that passes any other value
    across a barrier, or has several blocks, is rejected.

    `nvgpu.device_async_copy` copies at once (its group and wait ops do
    nothing) unless the race check is on.

    Checking mode (`check-races`): every access of workgroup memory and of
    global memory (memrefs from outside the launch) calls the runtime's
    `dlc_emu_access` with the thread, the address and a site string
    (kernel, buffer, ONNX node, op); `gpu.barrier` calls `dlc_emu_barrier`.
    A write and another thread's access of the same element between two
    barriers is a race, reported when the launch ends. Asynchronous copies
    become pending writes, done at their `nvgpu.device_async_wait`; an
    access of their destination before then is a race. `thread-order`
    (`forward`, `reverse`, `shuffle`, with `seed`) sets the order of the
    threads inside each phase; it is available without the check too.
  }];
  let options = [
    Option<"checkRaces", "check-races", "bool", "false",
           "Record every shared and global access and report races">,
    Option<"threadOrder", "thread-order", "std::string", "\"forward\"",
           "Order of the threads in a phase: forward, reverse or shuffle">,
    Option<"seed", "seed", "int64_t", "0",
           "Seed of the shuffled thread order">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::memref::MemRefDialect"];
}

def GPUPrepareMath : Pass<"dlc-gpu-prepare-math", "mlir::ModuleOp"> {
  let summary = "Rewrite math ops inside GPU kernels into arithmetic and "
                "intrinsics every GPU back end supports";
  let description = [{
    Inside `gpu.launch` bodies and `gpu.module`s: math ops on f16/bf16 are
    computed in f32, composite functions are expanded (tanh, powf, ...),
    and transcendental functions get polynomial approximations (exp, log,
    erf, tanh, sin, cos, atan, ...), f64 exp and log get double-precision
    range reductions and series, and integer powers become square-and-
    multiply over the exponent's bits, so that kernels need neither
    libdevice nor the ROCm device libraries and the host emulation computes
    the same values as the GPU. Math on f64 that has no such rewrite is an
    error naming the op.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def GPULowerBF16Mma : Pass<"dlc-gpu-lower-bf16-mma", "mlir::gpu::GPUModuleOp"> {
  let summary = "nvgpu.mma.sync on bf16 as nvvm.mma.sync";
  let description = [{
    Upstream's convert-nvgpu-to-nvvm cannot lower an `nvgpu.mma.sync` whose
    inputs are bf16 ("failed to deduce operand PTX types"). This pass
    rewrites each such m16n8k16 op with f32 accumulators into
    `nvvm.mma.sync` directly: the A and B registers bit-cast to i32 (two
    bf16 each), the f32 accumulators as scalars, the result struct turned
    back into the accumulator vector. Runs before convert-nvgpu-to-nvvm.
  }];
  let dependentDialects = ["mlir::NVVM::NVVMDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect"];
}

def GPUMergeModules : Pass<"dlc-gpu-merge-modules", "mlir::ModuleOp"> {
  let summary = "Gather every outlined kernel into one gpu.module";
  let description = [{
    After `gpu-kernel-outlining`, which makes one `gpu.module` per kernel:
    moves every kernel into `gpu.module @dlc_kernels` under a unique name
    and updates the `gpu.launch_func` ops, so that the library carries one
    image per architecture holding all kernels.
  }];
}

def GPULowerLaunches : Pass<"dlc-gpu-lower-launches", "mlir::ModuleOp"> {
  let summary = "Turn gpu.launch_func into calls the GPU back end "
                "implements with the runtime's dlc_gpu_launch";
  let description = [{
    The model function `func` gets a trailing `memref<0xi8>` argument, the
    runtime's execution context. Each `gpu.launch_func` of
    `@dlc_kernels::@K` becomes a call to
    `__dlc_gpu_launch_N(%ctx, gx, gy, gz, bx, by, bz, args...)`, declared
    here and defined by the back end in LLVM IR as a call to
    `dlc_gpu_launch(ctx, N, ...)` with the kernel-parameter array. N is
    the kernel's position in the module attribute `dlc.gpu_kernels`, the
    list of kernel names in `@dlc_kernels` order.
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect",
                           "mlir::arith::ArithDialect"];
}

def CheckStackFrames : Pass<"dlc-check-stack-frames", "mlir::ModuleOp"> {
  let summary = "Reject stack allocations that are large, dynamic or "
                "repeated in a loop";
  let description = [{
    Generated code keeps every problem-sized buffer in the arena or on the
    heap; the stack holds only small, fixed temporaries. This pass runs
    late in every pipeline (after the LLVM lowering on the CPU and gpu-emu
    targets, on the host code of the GPU targets) and checks each
    `memref.alloca` and `llvm.alloca`:
      - its size must be a compile-time constant (a dynamic element count
        grows the frame with the model);
      - it must not be re-executed in a loop without a scope that frees it
        (`memref.alloca_scope`, or `llvm.intr.stacksave`/`stackrestore`):
        at the memref level it must not sit inside a loop-like op, at the
        LLVM level it must be in the function's entry block;
      - its size, and the sum of the fixed allocations of one function, may
        not exceed `max-frame-bytes` (64 KiB by default).
    A violation is an error at the op's location (which names the ONNX
    node) and fails the pass.
  }];
  let options = [
    Option<"maxFrameBytes", "max-frame-bytes", "int64_t", "65536",
           "Largest stack allocation (and sum per function) in bytes">,
  ];
}

def EmptyBuffers : Pass<"dlc-empty-buffers", "mlir::ModuleOp"> {
  let summary = "Pass model tensors without elements as flat bare pointers";
  let description = [{
    Runs on memrefs before the LLVM lowering. Erases `scf.parallel` and
    `scf.for` loops (without results) with a constant bound that gives no
    iterations, then turns each argument of the model function `func` (of
    every public function with a body when `func` is empty) that
    is a statically shaped memref of rank > 1 with no elements (2x0x4) into
    `memref<0xT>`, its uses reading a zero-sized `memref.alloca` of the
    original type. Upstream's bare-pointer calling convention refuses such
    memref types and would leave the function unconverted.
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def NameModelFunction : Pass<"dlc-name-model-function", "mlir::ModuleOp"> {
  let summary = "Give the imported graph function the model's symbol name";
  let description = [{
    The first step of the back ends' pipelines: renames `@main` (the
    importer's function) to `<model-name>_forward` and drops its argument
    and result attributes (the tensor names and types are read before and
    live in the model's descriptor, not on the LLVM function). Without
    `model-name`, or without `@main`, the module is left as it is.
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", "\"\"",
           "The model's name (a C identifier)">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

#endif // DLC_PASSES_PASSES_TD

def ExpandBF16 : Pass<"dlc-expand-bf16", "mlir::ModuleOp"> {
  let summary = "f32 <-> bf16 conversions as integer code";
  let description = [{
    Rewrites `arith.extf` from bf16 and `arith.truncf` to bf16 (scalars and
    vectors) as integer bit manipulation, rounding to nearest even, for
    CPUs without AVX512_BF16: LLVM would otherwise call `__truncsfbf2`,
    which older libgcc versions and dlc-run's JIT do not provide. Upstream
    `arith-expand{include-bf16}` rewrites the same conversions but also
    expands every maximumf/minimumf and integer division that the kernels
    rely on being single instructions, so only its bf16 patterns are used.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}
