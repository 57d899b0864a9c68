//===- CPUTarget.cpp - the CPU back end -----------------------------------===//

#include "dlc/Codegen/CPUTarget.h"
#include "dlc/Codegen/GPUTarget.h"
#include "dlc/Codegen/Pipelines.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/InitAllExtensions.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include <cstring>
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using llvm::Error;
using llvm::Expected;
using llvm::SmallVector;
using llvm::StringRef;

namespace dlc::codegen {

static Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

void registerCodegenDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, func::FuncDialect,
                  linalg::LinalgDialect, LLVM::LLVMDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect,
                  tensor::TensorDialect, x86vector::X86VectorDialect,
                  dlc::kernel::KernelDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerGPUDialects(registry);
  // The ConvertToLLVM interfaces: convert-gpu-to-nvvm/rocdl lower every
  // dialect inside kernels (cf, arith, index, memref) through them.
  registerAllExtensions(registry);
}

void registerCodegenPasses() {
  registerCodegenPipelines();
  registerDLCPasses();
  registerConversionPasses();
  bufferization::registerBufferizationPasses();
  bufferization::registerBufferizationPipelines();
  registerLinalgPasses();
  memref::registerMemRefPasses();
  registerTransformsPasses();
  registerGPUPasses();
  registerSCFPasses();
}

/// ONNX TensorProto data type of an element type.
static int32_t onnxDtype(Type t) {
  if (t.isF32())
    return 1;
  if (t.isUnsignedInteger(8))
    return 2;
  if (t.isUnsignedInteger(16))
    return 4;
  if (t.isUnsignedInteger(32))
    return 12;
  if (t.isUnsignedInteger(64))
    return 13;
  if (t.isUnsignedInteger(4))
    return 21;
  if (t.isUnsignedInteger(2))
    return 25;
  if (t.isInteger(4))
    return 22;
  if (t.isInteger(2))
    return 26;
  if (isa<Float8E4M3FNType>(t))
    return 17;
  if (isa<Float8E4M3FNUZType>(t))
    return 18;
  if (isa<Float8E5M2Type>(t))
    return 19;
  if (isa<Float8E5M2FNUZType>(t))
    return 20;
  if (isa<Float4E2M1FNType>(t))
    return 23;
  if (isa<Float8E8M0FNUType>(t))
    return 24;
  if (t.isInteger(8))
    return 3;
  if (t.isInteger(16))
    return 5;
  if (t.isInteger(32))
    return 6;
  if (t.isInteger(64))
    return 7;
  if (t.isInteger(1))
    return 9;
  if (t.isF16())
    return 10;
  if (t.isF64())
    return 11;
  if (t.isBF16())
    return 16;
  return 0;
}

std::string sanitizeIdentifier(StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(llvm::isAlnum(c) ? c : '_');
  if (out.empty() || llvm::isDigit(out[0]))
    out.insert(out.begin(), '_');
  return out;
}

Expected<ModelSignature> readSignature(ModuleOp module, StringRef name) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  if (!fn)
    return makeError("the module has no @main function");
  ModelSignature sig;
  sig.name = sanitizeIdentifier(name);
  FunctionType type = fn.getFunctionType();
  auto describe = [&](Type t, DictionaryAttr attrs, size_t index,
                      bool isInput) -> Expected<TensorSignature> {
    auto tensor = dyn_cast<RankedTensorType>(t);
    TensorSignature ts;
    auto nameAttr = attrs ? attrs.getAs<StringAttr>("graph.name") : nullptr;
    ts.name = nameAttr ? nameAttr.str()
                       : (isInput ? "input" : "output") + std::to_string(index);
    if (!tensor || !tensor.hasStaticShape())
      return makeError("graph " + llvm::Twine(isInput ? "input" : "output") +
                       " '" + ts.name + "' is not a static tensor");
    ts.dtype = onnxDtype(tensor.getElementType());
    if (!ts.dtype)
      return makeError("graph tensor '" + ts.name + "' has an unsupported "
                       "element type");
    ts.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    return ts;
  };
  for (auto [i, t] : llvm::enumerate(type.getInputs())) {
    auto ts = describe(t, fn.getArgAttrDict(i), i, true);
    if (!ts)
      return ts.takeError();
    sig.inputs.push_back(*ts);
  }
  for (auto [i, t] : llvm::enumerate(type.getResults())) {
    auto ts = describe(t, fn.getResultAttrDict(i), i, false);
    if (!ts)
      return ts.takeError();
    sig.outputs.push_back(*ts);
  }
  if (sig.outputs.empty())
    return makeError("the model has no outputs");
  return sig;
}

Error checkPrecision(StringRef precision) {
  if (precision == "fp32" || precision == "tf32" || precision == "fp16" ||
      precision == "bf16")
    return Error::success();
  return makeError("--precision must be fp32, tf32, fp16 or bf16, got '" +
                   precision + "'");
}

Error checkIOPrecision(StringRef ioPrecision) {
  if (ioPrecision == "model" || ioPrecision == "fp16" || ioPrecision == "bf16")
    return Error::success();
  return makeError("--io-precision must be model, fp16 or bf16, got '" +
                   ioPrecision + "'");
}

void updateInterfaceTypes(ModuleOp module, ModelSignature &signature) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  if (!fn)
    return;
  FunctionType type = fn.getFunctionType();
  // Only float types change (--io-precision); integers are signless after
  // the lowering, so their ONNX signedness comes from the import.
  auto update = [](TypeRange types, std::vector<TensorSignature> &tensors) {
    for (auto [t, ts] : llvm::zip(types, tensors))
      if (auto tensor = dyn_cast<RankedTensorType>(t))
        if (isa<FloatType>(tensor.getElementType()))
          if (int32_t dtype = onnxDtype(tensor.getElementType()))
            ts.dtype = dtype;
  };
  update(type.getInputs(), signature.inputs);
  update(type.getResults(), signature.outputs);
}

LogicalResult runPipeline(ModuleOp module, StringRef stage,
                          llvm::function_ref<void(OpPassManager &)> build,
                          CompileObserver *observer, StringRef detail) {
  PassManager pm(module.getContext());
  build(pm);
  TimingScope scope = observer ? observer->begin(stage, detail) : TimingScope();
  if (observer)
    observer->enablePassTiming(pm, scope);
  if (failed(pm.run(module)))
    return failure();
  scope.stop();
  if (observer)
    if (Error e = observer->irAfter(stage, module, detail))
      return module.emitError(llvm::toString(std::move(e)));
  return success();
}

LogicalResult lowerToLinalg(ModuleOp module, bool mergeProducts,
                            CompileObserver *observer,
                            const PrecisionOptions &precision) {
  GraphToLinalgPipelineOptions options;
  options.mergeProducts = mergeProducts;
  options.precision = precision.precision;
  options.keepFp32 = precision.keepFp32;
  options.minReductionTerms = precision.minReductionTerms;
  options.ioPrecision = precision.ioPrecision;
  return runPipeline(
      module, "graph-to-linalg",
      [&](OpPassManager &pm) { buildGraphToLinalgPipeline(pm, options); },
      observer);
}

/// Appends the bytes of a constant to `blob` at `offset` (dense row-major;
/// booleans one byte each).
static void writeConstant(std::vector<char> &blob, int64_t offset,
                          DenseElementsAttr value) {
  auto type = value.getType();
  Type element = type.getElementType();
  int64_t n = type.getNumElements();
  if (element.isInteger(1)) {
    int64_t i = 0;
    for (bool v : value.getValues<bool>())
      blob[offset + i++] = v ? 1 : 0;
    return;
  }
  size_t size = (element.getIntOrFloatBitWidth() + 7) / 8;
  ArrayRef<char> raw = value.getRawData();
  if (n == 0)
    return;
  if (value.isSplat()) {
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(blob.data() + offset + i * size, raw.data(), size);
  } else {
    std::memcpy(blob.data() + offset, raw.data(), n * size);
  }
}

LogicalResult bufferizeModel(ModuleOp module, ModelSignature &signature,
                             StringRef stage,
                             const BufferizePipelineOptions &options,
                             CompileObserver *observer) {
  if (failed(runPipeline(
          module, stage,
          [&](OpPassManager &pm) { buildBufferizePipeline(pm, options); },
          observer)))
    return failure();
  if (auto a = module->getAttrOfType<IntegerAttr>("dlc.arena_bytes"))
    signature.arenaBytes = a.getInt();
  if (signature.weightsAsBlob) {
    auto total = module->getAttrOfType<IntegerAttr>("dlc.weight_bytes");
    signature.weightBytes = total ? total.getInt() : 0;
    signature.weightsBlob.assign(signature.weightBytes, 0);
    for (auto global :
         llvm::make_early_inc_range(module.getOps<memref::GlobalOp>())) {
      auto offset = global->getAttrOfType<IntegerAttr>("dlc.weights_offset");
      if (!offset)
        continue;
      if (auto value =
              dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr()))
        writeConstant(signature.weightsBlob, offset.getInt(), value);
      global.erase();
    }
  }
  return success();
}

void readKernels(ModuleOp module, ModelSignature &signature) {
  signature.kernels.clear();
  auto list = module->getAttrOfType<ArrayAttr>("dlc.kernels");
  if (!list)
    return;
  for (auto d : list.getAsRange<DictionaryAttr>()) {
    KernelInfo k;
    if (auto nodes = d.getAs<ArrayAttr>("nodes"))
      for (auto n : nodes.getAsRange<StringAttr>())
        k.nodes.push_back(n.str());
    if (auto s = d.getAs<StringAttr>("kind"))
      k.kind = s.str();
    if (auto s = d.getAs<StringAttr>("strategy"))
      k.strategy = s.str();
    if (auto s = d.getAs<StringAttr>("precision"))
      k.precision = s.str();
    if (auto i = d.getAs<IntegerAttr>("flops"))
      k.flops = i.getInt();
    if (auto i = d.getAs<IntegerAttr>("bytes"))
      k.bytes = i.getInt();
    if (auto t = d.getAs<DenseI64ArrayAttr>("tiles"))
      k.tiles.assign(t.asArrayRef().begin(), t.asArrayRef().end());
    signature.kernels.push_back(std::move(k));
  }
}

LogicalResult lowerToLLVMDialect(ModuleOp module, ModelSignature &signature,
                                 const CPUOptions &options) {
  BufferizePipelineOptions bufferize;
  bufferize.modelName = signature.name;
  if (signature.externalWeights)
    signature.weightsAsBlob = true;
  bufferize.externalWeights = signature.weightsAsBlob;
  if (Error e = setCPUKernelOptions(options, bufferize)) {
    module.emitError(llvm::toString(std::move(e)));
    return failure();
  }
  if (failed(bufferizeModel(module, signature, "cpu-bufferize", bufferize,
                            options.observer)))
    return failure();
  CPUToLLVMPipelineOptions toLLVM;
  toLLVM.func = modelFunctionName(signature.name);
  toLLVM.profile = options.profile;
  toLLVM.nativeBF16 = bufferize.bf16Dot;
  if (failed(runPipeline(
          module, "cpu-to-llvm",
          [&](OpPassManager &pm) { buildCPUToLLVMPipeline(pm, toLLVM); },
          options.observer)))
    return failure();
  readKernels(module, signature);
  if (options.observer)
    options.observer->kernelCount = signature.kernels.size();
  return success();
}

//===----------------------------------------------------------------------===//
// Entry wrapper and descriptor
//===----------------------------------------------------------------------===//

/// Adds `i32 <name>_entry(ptr buffers, ptr arena, ptr weights, ptr ctx)`
/// calling `<name>_forward` with each buffer, and the `<name>_info`
/// descriptor (layout of dlc_model_info in dlc/runtime.h).
static Error addEntryAndInfo(llvm::Module &m, const ModelSignature &sig) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Function *forward = m.getFunction(sig.name + "_forward");
  size_t numBuffers = sig.inputs.size() + sig.outputs.size();
  if (!forward || forward->arg_size() != numBuffers + 3)
    return makeError("internal error: the lowered model function does not "
                     "take one pointer per input and output, the arena, "
                     "the weights and the execution context");
  forward->setLinkage(llvm::GlobalValue::InternalLinkage);
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
  llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
  auto *entryType = llvm::FunctionType::get(i32, {ptr, ptr, ptr, ptr}, false);
  auto *entry = llvm::Function::Create(entryType,
                                       llvm::GlobalValue::InternalLinkage,
                                       sig.name + "_entry", m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", entry));
  SmallVector<llvm::Value *> args;
  for (size_t i = 0; i < numBuffers; ++i) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptr, entry->getArg(0), i);
    args.push_back(b.CreateLoad(ptr, slot));
  }
  // A weights blob embedded in the object: GPU models hand it to the
  // runtime (weights_data), which copies it to the device; on the CPU the
  // entry reads it in place.
  llvm::Constant *embeddedBlob = nullptr;
  if (sig.weightsAsBlob && !sig.externalWeights && !sig.weightsBlob.empty()) {
    auto *blob = new llvm::GlobalVariable(
        m, llvm::ArrayType::get(b.getInt8Ty(), sig.weightsBlob.size()), true,
        llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantDataArray::get(
            ctx, llvm::ArrayRef<uint8_t>(
                     reinterpret_cast<const uint8_t *>(sig.weightsBlob.data()),
                     sig.weightsBlob.size())),
        sig.name + "_weights_blob");
    blob->setAlignment(llvm::Align(64));
    embeddedBlob = blob;
  }
  args.push_back(entry->getArg(1)); // arena
  args.push_back(embeddedBlob && sig.deviceKind == 1
                     ? embeddedBlob
                     : static_cast<llvm::Value *>(entry->getArg(2)));
  args.push_back(entry->getArg(3)); // execution context
  b.CreateCall(forward, args);
  b.CreateRet(llvm::ConstantInt::get(i32, 0));

  // GPU launches: __dlc_gpu_launch_K(ctx, gx, gy, gz, bx, by, bz, args...)
  // stores each argument, builds the kernel-parameter array and calls
  // dlc_gpu_launch(ctx, K, ...).
  llvm::FunctionCallee gpuLaunch = m.getOrInsertFunction(
      "dlc_gpu_launch",
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                              {ptr, i32, i32, i32, i32, i32, i32, i32, i32,
                               ptr},
                              false));
  for (llvm::Function &launch : llvm::make_early_inc_range(m.functions())) {
    if (!launch.isDeclaration() ||
        !launch.getName().starts_with("__dlc_gpu_launch_"))
      continue;
    unsigned kernel = 0;
    if (launch.getName().drop_front(17).getAsInteger(10, kernel) ||
        kernel >= sig.kernelNames.size() || launch.arg_size() < 7)
      return makeError("internal error: bad GPU launch " +
                       launch.getName().str());
    launch.setLinkage(llvm::GlobalValue::InternalLinkage);
    llvm::IRBuilder<> lb(llvm::BasicBlock::Create(ctx, "entry", &launch));
    unsigned numParams = launch.arg_size() - 7;
    llvm::Value *params = lb.CreateAlloca(
        ptr, llvm::ConstantInt::get(i64, std::max(1u, numParams)));
    for (unsigned i = 0; i < numParams; ++i) {
      llvm::Argument *arg = launch.getArg(7 + i);
      llvm::Value *slot = lb.CreateAlloca(arg->getType());
      lb.CreateStore(arg, slot);
      lb.CreateStore(slot, lb.CreateConstGEP1_64(ptr, params, i));
    }
    SmallVector<llvm::Value *> callArgs{
        launch.getArg(0), llvm::ConstantInt::get(i32, kernel)};
    for (unsigned i = 1; i <= 6; ++i)
      callArgs.push_back(lb.CreateTrunc(launch.getArg(i), i32));
    callArgs.push_back(llvm::ConstantInt::get(i32, 0)); // shared bytes
    callArgs.push_back(params);
    lb.CreateCall(gpuLaunch, callArgs);
    lb.CreateRetVoid();
  }

  // Parallel loops: __dlc_launch_N(ctx, n, buffers...) hands the buffers
  // to the runtime's dlc_parallel_for with a trampoline that calls the
  // outlined __dlc_par_N(begin, end, buffers...).
  auto *bodyType = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                           {ptr, i64, i64}, false);
  llvm::FunctionCallee parallelFor = m.getOrInsertFunction(
      "dlc_parallel_for",
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                              {ptr, i64, ptr, ptr}, false));
  for (llvm::Function &launch : llvm::make_early_inc_range(m.functions())) {
    if (!launch.isDeclaration() ||
        !launch.getName().starts_with("__dlc_launch_"))
      continue;
    std::string id = launch.getName().drop_front(13).str();
    llvm::Function *par = m.getFunction("__dlc_par_" + id);
    unsigned captured = launch.arg_size() - 2;
    if (!par || par->arg_size() != captured + 2)
      return makeError("internal error: parallel loop " + id +
                       " has no matching body");
    par->setLinkage(llvm::GlobalValue::InternalLinkage);
    auto *trampoline = llvm::Function::Create(
        bodyType, llvm::GlobalValue::InternalLinkage,
        "__dlc_trampoline_" + id, m);
    llvm::IRBuilder<> tb(llvm::BasicBlock::Create(ctx, "entry", trampoline));
    SmallVector<llvm::Value *> parArgs{trampoline->getArg(1),
                                       trampoline->getArg(2)};
    for (unsigned i = 0; i < captured; ++i)
      parArgs.push_back(tb.CreateLoad(
          ptr, tb.CreateConstGEP1_64(ptr, trampoline->getArg(0), i)));
    tb.CreateCall(par, parArgs);
    tb.CreateRetVoid();

    launch.setLinkage(llvm::GlobalValue::InternalLinkage);
    llvm::IRBuilder<> lb(llvm::BasicBlock::Create(ctx, "entry", &launch));
    llvm::Value *data = lb.CreateAlloca(
        ptr, llvm::ConstantInt::get(i64, std::max(1u, captured)));
    for (unsigned i = 0; i < captured; ++i)
      lb.CreateStore(launch.getArg(2 + i),
                     lb.CreateConstGEP1_64(ptr, data, i));
    lb.CreateCall(parallelFor,
                  {launch.getArg(0), launch.getArg(1), trampoline, data});
    lb.CreateRetVoid();
  }

  auto *tensorInfoType =
      llvm::StructType::get(ctx, {ptr, i32, i32, ptr}); // dlc_tensor_info
  auto stringConstant = [&](StringRef s) -> llvm::Constant * {
    return b.CreateGlobalString(s, "", 0, &m);
  };
  auto tensorInfos = [&](const std::vector<TensorSignature> &list,
                         StringRef what) -> llvm::Constant * {
    SmallVector<llvm::Constant *> infos;
    for (auto [i, t] : llvm::enumerate(list)) {
      SmallVector<llvm::Constant *> dims;
      for (int64_t d : t.shape)
        dims.push_back(llvm::ConstantInt::get(i64, d));
      auto *dimsType = llvm::ArrayType::get(i64, dims.size());
      auto *dimsGlobal = new llvm::GlobalVariable(
          m, dimsType, true, llvm::GlobalValue::PrivateLinkage,
          llvm::ConstantArray::get(dimsType, dims),
          sig.name + "_" + what.str() + std::to_string(i) + "_shape");
      infos.push_back(llvm::ConstantStruct::get(
          tensorInfoType,
          {stringConstant(t.name), llvm::ConstantInt::get(i32, t.dtype),
           llvm::ConstantInt::get(i32, t.shape.size()), dimsGlobal}));
    }
    auto *arrayType = llvm::ArrayType::get(tensorInfoType, infos.size());
    return new llvm::GlobalVariable(m, arrayType, true,
                                    llvm::GlobalValue::PrivateLinkage,
                                    llvm::ConstantArray::get(arrayType, infos),
                                    sig.name + "_" + what.str() + "s");
  };
  llvm::Constant *null =
      llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(ctx));
  // dlc_gpu_image[] and the kernel names.
  llvm::Constant *images = null, *kernelNames = null;
  if (!sig.images.empty()) {
    auto *imageType = llvm::StructType::get(ctx, {i32, ptr, ptr, i64});
    SmallVector<llvm::Constant *> entries;
    for (auto [i, image] : llvm::enumerate(sig.images)) {
      // PTX text keeps its terminating NUL.
      bool text = image.format == 2;
      auto *data = new llvm::GlobalVariable(
          m,
          llvm::ArrayType::get(b.getInt8Ty(), image.data.size() + (text ? 1 : 0)),
          true, llvm::GlobalValue::PrivateLinkage,
          llvm::ConstantDataArray::getString(ctx, image.data, text),
          sig.name + "_image" + std::to_string(i));
      data->setAlignment(llvm::Align(64));
      entries.push_back(llvm::ConstantStruct::get(
          imageType,
          {llvm::ConstantInt::get(i32, image.format),
           stringConstant(image.arch), data,
           llvm::ConstantInt::get(i64, image.data.size() + (text ? 1 : 0))}));
    }
    auto *arrayType = llvm::ArrayType::get(imageType, entries.size());
    images = new llvm::GlobalVariable(
        m, arrayType, true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantArray::get(arrayType, entries), sig.name + "_images");
  }
  if (!sig.kernelNames.empty()) {
    SmallVector<llvm::Constant *> names;
    for (const std::string &k : sig.kernelNames)
      names.push_back(stringConstant(k));
    auto *arrayType = llvm::ArrayType::get(ptr, names.size());
    kernelNames = new llvm::GlobalVariable(
        m, arrayType, true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantArray::get(arrayType, names), sig.name + "_kernels");
  }
  auto *infoType = llvm::StructType::get(
      ctx, {i32, i32, ptr, i32, i32, ptr, ptr, i64, i64, ptr, ptr, ptr, i32,
            ptr, i32, ptr});
  llvm::Constant *fields[] = {
      llvm::ConstantInt::get(i32, 2), // DLC_ABI_VERSION
      llvm::ConstantInt::get(i32, sig.deviceKind),
      stringConstant(sig.name),
      llvm::ConstantInt::get(i32, sig.inputs.size()),
      llvm::ConstantInt::get(i32, sig.outputs.size()),
      tensorInfos(sig.inputs, "input"),
      tensorInfos(sig.outputs, "output"),
      llvm::ConstantInt::get(i64, sig.arenaBytes),
      llvm::ConstantInt::get(i64, sig.weightBytes),
      sig.externalWeights
          ? stringConstant(sig.name + ".weights")
          : llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(ctx)),
      entry,
      embeddedBlob && sig.deviceKind != 1 ? embeddedBlob : null,
      llvm::ConstantInt::get(i32, sig.images.size()),
      images,
      llvm::ConstantInt::get(i32, sig.kernelNames.size()),
      kernelNames};
  new llvm::GlobalVariable(m, infoType, true,
                           llvm::GlobalValue::ExternalLinkage,
                           llvm::ConstantStruct::get(infoType, fields),
                           sig.name + "_info");
  return Error::success();
}

Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CPUOptions &options) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return makeError("no LLVM target for " + triple.str() + ": " + error);
  std::string cpu = options.cpu;
  SmallVector<std::string> features;
  if (cpu == "host") {
    cpu = llvm::sys::getHostCPUName().str();
    for (auto &f : llvm::sys::getHostCPUFeatures())
      features.push_back((f.second ? "+" : "-") + f.first().str());
  }
  if (!options.features.empty())
    features.push_back(options.features);
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, llvm::join(features, ","), targetOptions,
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return makeError("cannot create an LLVM target machine for CPU '" + cpu +
                     "'");
  if (options.cpu != "host") {
    const llvm::MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
    if (sti && !sti->isCPUStringValid(cpu))
      return makeError("unknown CPU '" + cpu + "' for " + triple.str() +
                       " (see llc -mcpu=help)");
  }
  return tm;
}

Error setCPUKernelOptions(const CPUOptions &options,
                          BufferizePipelineOptions &bufferize) {
  bufferize.tileContractions = false;
  auto tm = createTargetMachine(options);
  if (!tm)
    return tm.takeError();
  const llvm::MCSubtargetInfo *sti = (*tm)->getMCSubtargetInfo();
  // bf16 pairs on vdpbf16ps (256-bit: needs AVX512_BF16 with VL); also
  // the f32 <-> bf16 conversions the kernels' casts need.
  bufferize.bf16Dot = sti && sti->checkFeatures("+avx512bf16,+avx512vl");
  if (!options.tileContractions)
    return Error::success();
  // The kernels use 256-bit vectors with FMA: AVX2 (16 registers) or
  // AVX-512VL (32). 512-bit vectors gain nothing on CPUs that split them
  // (Zen 4) and lower clocks on others. Without FMA the loops stay as they
  // are.
  if (!sti || !sti->checkFeatures("+avx2,+fma"))
    return Error::success();
  bufferize.tileContractions = true;
  bufferize.vectorBits = 256;
  bufferize.vectorRegisters = sti->checkFeatures("+avx512vl") ? 32 : 16;
  return Error::success();
}

Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                  ModelSignature &signature, const CPUOptions &options) {
  TimingScope scope = options.observer
                          ? options.observer->begin("llvm-translate")
                          : TimingScope();
  std::unique_ptr<llvm::Module> m =
      translateModuleToLLVMIR(module, context, signature.name);
  if (!m)
    return makeError("translation to LLVM IR failed");
  auto tm = createTargetMachine(options);
  if (!tm)
    return tm.takeError();
  m->setDataLayout((*tm)->createDataLayout());
  m->setTargetTriple((*tm)->getTargetTriple());
  // Embedded weights are the module's constant tensor globals (or the
  // blob, whose size is known already).
  if (!signature.weightsAsBlob) {
    signature.weightBytes = 0;
    for (llvm::GlobalVariable &g : m->globals())
      if (g.isConstant() && g.getName().starts_with("__constant"))
        signature.weightBytes +=
            m->getDataLayout().getTypeAllocSize(g.getValueType());
  }
  if (Error e = addEntryAndInfo(*m, signature))
    return e;
  scope.stop();
  if (options.observer)
    if (Error e = options.observer->irAfter("llvm-translate", *m))
      return e;
  return m;
}

unsigned printStackFrames(llvm::raw_ostream &os, StringRef tool,
                          const std::vector<StackFrame> &frames,
                          uint64_t bound) {
  const StackFrame *largest = nullptr;
  unsigned over = 0;
  for (const StackFrame &f : frames)
    if (!largest || f.bytes > largest->bytes)
      largest = &f;
  os << tool << ": stack frames: " << frames.size() << " functions";
  if (largest)
    os << ", largest " << largest->bytes << " bytes (" << largest->function
       << ")";
  os << "\n";
  for (const StackFrame &f : frames) {
    if (f.bytes <= bound && !f.dynamic)
      continue;
    ++over;
    os << tool << ": stack frame of " << f.function << ": " << f.bytes
       << " bytes" << (f.dynamic ? " and dynamic allocations" : "")
       << ", over the bound of " << bound << " bytes\n";
  }
  return over;
}

llvm::Error writeArchiveFile(StringRef path, StringRef objectName,
                             llvm::ArrayRef<char> object) {
  llvm::MemoryBufferRef ref(StringRef(object.data(), object.size()),
                            objectName);
  std::vector<llvm::NewArchiveMember> members;
  members.emplace_back(ref);
  return llvm::writeArchive(path, members,
                            llvm::SymtabWritingMode::NormalSymtab,
                            llvm::object::Archive::K_GNU,
                            /*Deterministic=*/true, /*Thin=*/false);
}

Expected<CompiledModel> compileForCPU(ModuleOp module, StringRef name,
                                      const CPUOptions &options) {
  Expected<ModelSignature> signature = readSignature(module, name);
  if (!signature)
    return signature.takeError();
  if (failed(lowerToLinalg(module, /*mergeProducts=*/true, options.observer,
                           options.precision)))
    return makeError("lowering to linalg failed");
  updateInterfaceTypes(module, *signature);
  if (failed(lowerToLLVMDialect(module, *signature, options)))
    return makeError("lowering to the LLVM dialect failed");
  llvm::LLVMContext context;
  auto llvmModule = translateToLLVMIR(module, context, *signature, options);
  if (!llvmModule)
    return llvmModule.takeError();
  std::vector<StackFrame> frames;
  auto object = emitObject(**llvmModule, options, &frames);
  if (!object)
    return object.takeError();
  return CompiledModel{std::move(*signature), std::move(*object),
                       std::move(frames)};
}

} // namespace dlc::codegen
