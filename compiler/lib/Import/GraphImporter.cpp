//===- GraphImporter.cpp - ONNX GraphProto to a graph-dialect function ----===//
//
// Step 1: load the model (binary or text) and check its opsets.
// Step 2: list every unsupported (op, opset) before building anything.
// Step 3: order the nodes topologically; reject cycles and undefined names.
// Step 4: build the function: inputs (with --input-shape for symbolic
//         dimensions), initializers as constants, one handler call a node.
// Step 5: return the graph outputs and verify the module.
//
//===----------------------------------------------------------------------===//

#include "dlc/Compiler/Importer.h"
#include "Legacy.h"
#include "ModelLoader.h"
#include "NodeImporter.h"
#include "OpTable.h"
#include "TensorImport.h"

#include "dlc/Dialect/Graph/GraphDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"
#include <deque>

using namespace mlir;
using namespace llvm;

namespace dlc {

void registerImporterDialects(DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, func::FuncDialect>();
}

Error parseInputShape(StringRef spec, ImportOptions &options) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty() || !spec.contains('='))
    return createStringError(inconvertibleErrorCode(),
                             "--input-shape expects NAME=DIMS such as "
                             "input=1x3x224x224, got '" +
                                 spec + "'");
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  if (dims != "scalar")
    dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.getAsInteger(10, d) || d < 0 || d > (int64_t(1) << 40))
      return createStringError(inconvertibleErrorCode(),
                               "--input-shape '" + spec + "': '" + part +
                                   "' is not a dimension (a non-negative "
                                   "integer)");
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return Error::success();
}

namespace {

class GraphImporter {
public:
  GraphImporter(MLIRContext &context, const onnx::ModelProto &model,
                StringRef path, const ImportOptions &options)
      : context_(context), model_(model), path_(path), options_(options),
        builder_(&context) {
    modelDir_ = sys::path::parent_path(path).str();
    if (modelDir_.empty())
      modelDir_ = ".";
  }

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult readOpsets();
  LogicalResult checkSupported();
  LogicalResult orderNodes(SmallVectorImpl<int> &order);
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &info);
  FailureOr<DenseElementsAttr> loadFrozenInput(StringRef name, StringRef path);
  LogicalResult importNode(const onnx::NodeProto &node, int index);
  Location nodeLoc(const onnx::NodeProto &node, int index);
  /// "node 'NAME' (OP, opset N): ", the prefix of every node diagnostic.
  std::string nodeLabel(const onnx::NodeProto &node, int index);
  InFlightDiagnostic nodeError(const onnx::NodeProto &node, int index) {
    InFlightDiagnostic diag = mlir::emitError(nodeLoc(node, index));
    diag << nodeLabel(node, index);
    return diag;
  }
  InFlightDiagnostic modelError() {
    return mlir::emitError(FileLineColLoc::get(&context_, path_, 0, 0));
  }

  MLIRContext &context_;
  const onnx::ModelProto &model_;
  std::string path_;
  std::string modelDir_;
  const ImportOptions &options_;
  OpBuilder builder_;
  int64_t opset_ = 0;
  StringMap<Value> values_;
};

} // namespace

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty()
                         ? ("#" + Twine(index) + " " + node.op_type()).str()
                         : node.name();
  return NameLoc::get(StringAttr::get(&context_, name),
                      FileLineColLoc::get(&context_, path_, 0, 0));
}

std::string GraphImporter::nodeLabel(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty() ? ("#" + Twine(index)).str()
                                         : "'" + node.name() + "'";
  return ("node " + name + " (" + node.op_type() + ", opset " + Twine(opset_) +
          "): ")
      .str();
}

LogicalResult GraphImporter::readOpsets() {
  bool found = false;
  for (const onnx::OperatorSetIdProto &opset : model_.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") {
      opset_ = opset.version();
      found = true;
    }
  }
  if (!found && model_.opset_import_size() == 0)
    return modelError() << "model has no opset_import";
  if (!found) {
    InFlightDiagnostic diag = modelError();
    diag << "model imports no default-domain (ai.onnx) opset, only";
    for (const onnx::OperatorSetIdProto &opset : model_.opset_import())
      diag << " '" << opset.domain() << "'";
    return diag << "; dlc supports ai.onnx operators only";
  }
  if (opset_ < kMinOpset || opset_ > kMaxOpset)
    return modelError() << "model uses opset " << opset_
                        << "; dlc supports opsets " << kMinOpset << " to "
                        << kMaxOpset;
  return success();
}

LogicalResult GraphImporter::checkSupported() {
  const OpTable &table = OpTable::get();
  // (op, first node name) in order of first appearance.
  std::vector<std::pair<std::string, std::string>> unsupported;
  llvm::StringSet<> seen;
  for (int i = 0, e = model_.graph().node_size(); i < e; ++i) {
    const onnx::NodeProto &node = model_.graph().node(i);
    std::string key;
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      key = node.domain() + "." + node.op_type();
    else if (!table.lookup(node.op_type(), opset_) &&
             !table.lookup(node.op_type(),
                           legacyHandlerOpset(node.op_type(), opset_)))
      key = node.op_type() + " (opset " + std::to_string(opset_) + ")";
    if (key.empty() || !seen.insert(key).second)
      continue;
    unsupported.emplace_back(key, node.name().empty()
                                      ? ("#" + Twine(i)).str()
                                      : "'" + node.name() + "'");
  }
  if (unsupported.empty())
    return success();
  InFlightDiagnostic diag = modelError();
  diag << "unsupported ONNX operators (" << unsupported.size() << "): ";
  bool first = true;
  for (const auto &[op, nodeName] : unsupported) {
    diag << (first ? "" : ", ") << op << " at node " << nodeName;
    first = false;
  }
  return diag;
}

LogicalResult GraphImporter::orderNodes(SmallVectorImpl<int> &order) {
  const onnx::GraphProto &graph = model_.graph();
  StringMap<int> producer;
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    for (const std::string &out : graph.node(i).output()) {
      if (out.empty())
        continue;
      if (values_.count(out) || !producer.try_emplace(out, i).second)
        return nodeError(graph.node(i), i)
               << "tensor '" << out << "' is defined more than once";
    }
  }
  // Kahn's algorithm over node -> node edges.
  int n = graph.node_size();
  std::vector<int> pending(n, 0);
  std::vector<SmallVector<int>> users(n);
  for (int i = 0; i < n; ++i) {
    for (const std::string &in : graph.node(i).input()) {
      if (in.empty() || values_.count(in))
        continue;
      auto it = producer.find(in);
      if (it == producer.end())
        return nodeError(graph.node(i), i)
               << "node uses tensor '" << in
               << "', which no node, input or initializer defines";
      ++pending[i];
      users[it->second].push_back(i);
    }
  }
  std::deque<int> ready;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (int u : users[i])
      if (--pending[u] == 0)
        ready.push_back(u);
  }
  if (static_cast<int>(order.size()) != n) {
    for (int i = 0; i < n; ++i)
      if (pending[i] > 0)
        return nodeError(graph.node(i), i)
               << "the graph has a cycle through this node";
  }
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  const std::string &name = info.name();
  if (!info.type().has_tensor_type())
    return modelError() << "graph input '" << name
                        << "' is not a tensor; only tensor inputs are "
                           "supported";
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Expected<Type> element = convertElementType(&context_, tensor.elem_type());
  if (!element)
    return modelError() << "graph input '" << name
                        << "': " << toString(element.takeError());
  auto given = options_.inputShapes.find(name);
  if (!tensor.has_shape() && given == options_.inputShapes.end())
    return modelError() << "graph input '" << name
                        << "' has no shape; give one with --input-shape "
                        << name << "=DIMS (for example 1x3x224x224)";
  SmallVector<int64_t> shape;
  if (tensor.has_shape()) {
    const onnx::TensorShapeProto &proto = tensor.shape();
    if (given != options_.inputShapes.end() &&
        static_cast<int>(given->second.size()) != proto.dim_size())
      return modelError() << "--input-shape for '" << name << "' has rank "
                          << given->second.size() << " but the model's input "
                          << "has rank " << proto.dim_size();
    for (int d = 0; d < proto.dim_size(); ++d) {
      const onnx::TensorShapeProto::Dimension &dim = proto.dim(d);
      bool fixed = dim.has_dim_value() && dim.dim_value() >= 0;
      if (given != options_.inputShapes.end()) {
        int64_t want = given->second[d];
        if (fixed && dim.dim_value() != want)
          return modelError()
                 << "--input-shape for '" << name << "' sets dimension " << d
                 << " to " << want << " but the model fixes it to "
                 << dim.dim_value();
        shape.push_back(want);
        continue;
      }
      if (!fixed) {
        std::string symbol =
            dim.has_dim_param() ? "'" + dim.dim_param() + "'" : "unknown";
        return modelError()
               << "graph input '" << name << "' has a symbolic dimension "
               << symbol << " at index " << d
               << "; dynamic shapes are not supported yet, so give a static "
                  "shape with --input-shape "
               << name << "=DIMS (for example --input-shape " << name
               << "=1x3x224x224)";
      }
      shape.push_back(dim.dim_value());
    }
  } else {
    shape = given->second;
  }
  // Later shape arithmetic multiplies the dimensions in int64_t.
  int64_t count = 1;
  for (int64_t d : shape)
    if (llvm::MulOverflow(count, d, count))
      return modelError() << "graph input '" << name
                          << "' is too large: its dimensions multiply to "
                             "more elements than int64 can count";
  return RankedTensorType::get(shape, *element);
}

FailureOr<DenseElementsAttr>
GraphImporter::loadFrozenInput(StringRef name, StringRef path) {
  onnx::TensorProto tensor;
  if (Error e = loadTensor(path, tensor))
    return modelError() << "--freeze-input " << name << ": "
                        << toString(std::move(e));
  SmallString<256> dir(sys::path::parent_path(path));
  if (dir.empty())
    dir = ".";
  Expected<DenseElementsAttr> value = convertTensor(&context_, tensor, dir);
  if (!value)
    return modelError() << "--freeze-input " << name << ": "
                        << toString(value.takeError());
  for (const onnx::ValueInfoProto &info : model_.graph().input()) {
    if (info.name() != name)
      continue;
    FailureOr<RankedTensorType> declared = inputType(info);
    if (failed(declared))
      return failure();
    if (declared->getElementType() != value->getElementType() ||
        declared->getShape() != value->getType().getShape())
      return modelError() << "--freeze-input " << name << ": the tensor in '"
                          << path << "' is " << value->getType()
                          << " but the graph input is " << *declared;
  }
  return *value;
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  Location loc = nodeLoc(node, index);
  SmallVector<Value> inputs;
  for (const std::string &in : node.input())
    inputs.push_back(in.empty() ? Value() : values_.lookup(in));

  // A node of an old model whose op has no handler at that opset is
  // rewritten into the form of a later one (Legacy.cpp).
  OpHandler handler = OpTable::get().lookup(node.op_type(), opset_);
  int64_t legacyOpset = 0;
  if (!handler) {
    legacyOpset = legacyHandlerOpset(node.op_type(), opset_);
    handler = OpTable::get().lookup(node.op_type(), legacyOpset);
  }
  NodeImporter importer(node, opset_, builder_, loc, inputs, modelDir_);

  // Collect the handler's diagnostics and re-emit them prefixed with the
  // node's identity, so every message names the node, its op and opset.
  std::vector<std::pair<Location, std::string>> messages;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler collect(&context_, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      messages.emplace_back(diag.getLocation(), diag.str());
      return success();
    });
    result = legacyOpset ? importLegacyNode(importer, legacyOpset, handler)
                         : handler(importer);
  }
  std::string prefix = nodeLabel(node, index);
  for (auto &[msgLoc, text] : messages)
    mlir::emitError(loc) << prefix << text;
  if (failed(result) || !messages.empty()) {
    if (messages.empty())
      mlir::emitError(loc) << prefix << "could not be imported";
    return failure();
  }
  ArrayRef<Value> results = importer.results();
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string &name = node.output(i);
    if (!name.empty())
      values_[name] = results[i];
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (failed(readOpsets()))
    return nullptr;
  if (model_.graph().node_size() == 0 && model_.graph().output_size() == 0)
    return (modelError() << "model has an empty graph", nullptr);
  if (failed(checkSupported()))
    return nullptr;

  const onnx::GraphProto &graph = model_.graph();
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(&context_, path_, 0, 0));
  builder_.setInsertionPointToEnd(module->getBody());

  // Initializers (older models also list them as graph inputs).
  StringMap<DenseElementsAttr> initializers;
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    if (tensor.name().empty())
      return (modelError() << "an initializer has no name", nullptr);
    Expected<DenseElementsAttr> value =
        convertTensor(&context_, tensor, modelDir_);
    if (!value)
      return (modelError() << "initializer " << toString(value.takeError()),
              nullptr);
    initializers[tensor.name()] = *value;
  }

  llvm::StringSet<> inputNames;
  for (const onnx::ValueInfoProto &info : graph.input())
    inputNames.insert(info.name());
  // Graph inputs frozen to constants with --freeze-input.
  SmallVector<std::pair<std::string, DenseElementsAttr>> frozen;
  for (const auto &entry : options_.frozenInputs) {
    StringRef name = entry.getKey();
    if (!inputNames.contains(name) || initializers.count(name))
      return (modelError() << "--freeze-input names '" << name
                           << "', which is not a graph input",
              nullptr);
    FailureOr<DenseElementsAttr> value = loadFrozenInput(name, entry.getValue());
    if (failed(value))
      return nullptr;
    initializers[name] = *value;
    frozen.emplace_back(name.str(), *value);
  }
  for (const auto &entry : options_.inputShapes)
    if (!inputNames.contains(entry.getKey()) ||
        initializers.count(entry.getKey()))
      return (modelError() << "--input-shape names '" << entry.getKey()
                           << "', which is not a graph input",
              nullptr);

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  llvm::StringSet<> seenInputs;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (initializers.count(info.name()))
      continue;
    if (!seenInputs.insert(info.name()).second)
      return (modelError() << "graph input '" << info.name()
                           << "' is listed twice",
              nullptr);
    FailureOr<RankedTensorType> type = inputType(info);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(info.name());
  }

  auto func = func::FuncOp::create(builder_, module->getLoc(),
                                   options_.funcName,
                                   builder_.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  builder_.setInsertionPointToStart(entry);
  for (size_t i = 0; i < argNames.size(); ++i) {
    func.setArgAttr(i, "graph.name", builder_.getStringAttr(argNames[i]));
    values_[argNames[i]] = entry->getArgument(i);
  }
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    DenseElementsAttr value = initializers[tensor.name()];
    auto loc = NameLoc::get(builder_.getStringAttr(tensor.name()));
    values_[tensor.name()] =
        graph::ConstantOp::create(builder_, loc, value.getType(), value);
  }
  for (auto &[name, value] : frozen) {
    auto loc = NameLoc::get(builder_.getStringAttr(name));
    values_[name] =
        graph::ConstantOp::create(builder_, loc, value.getType(), value);
  }

  SmallVector<int> order;
  if (failed(orderNodes(order)))
    return nullptr;
  for (int i : order)
    if (failed(importNode(graph.node(i), i)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    Value value = values_.lookup(info.name());
    if (!value)
      return (modelError() << "graph output '" << info.name()
                           << "' is not produced by any node",
              nullptr);
    if (info.type().has_tensor_type() &&
        info.type().tensor_type().elem_type() != 0) {
      Expected<Type> declared = convertElementType(
          &context_, info.type().tensor_type().elem_type());
      if (!declared)
        return (modelError() << "graph output '" << info.name()
                             << "': " << toString(declared.takeError()),
                nullptr);
      Type actual = cast<ShapedType>(value.getType()).getElementType();
      if (*declared != actual)
        return (modelError() << "graph output '" << info.name()
                             << "' is declared as " << *declared
                             << " but computed as " << actual,
                nullptr);
    }
    results.push_back(value);
    resultTypes.push_back(value.getType());
  }
  if (results.empty())
    return (modelError() << "model has no graph outputs", nullptr);
  func::ReturnOp::create(builder_, module->getLoc(), results);
  func.setFunctionType(builder_.getFunctionType(argTypes, resultTypes));
  for (int i = 0, e = graph.output_size(); i < e; ++i)
    func.setResultAttr(i, "graph.name",
                       builder_.getStringAttr(graph.output(i).name()));

  // Shape computations folded at import leave unused constants behind.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();

  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importOnnxFile(StringRef path, MLIRContext &context,
                                     const ImportOptions &options) {
  context.loadDialect<graph::GraphDialect, func::FuncDialect>();
  onnx::ModelProto model;
  if (Error e = loadModel(path, model)) {
    mlir::emitError(FileLineColLoc::get(&context, path, 0, 0))
        << toString(std::move(e));
    return nullptr;
  }
  GraphImporter importer(context, model, path, options);
  return importer.run();
}

Expected<DenseElementsAttr> readTensorFile(StringRef path, MLIRContext &context,
                                           std::string *name) {
  onnx::TensorProto tensor;
  if (Error e = loadTensor(path, tensor))
    return e;
  if (name)
    *name = tensor.name();
  SmallString<256> dir(path);
  sys::path::remove_filename(dir);
  return convertTensor(&context, tensor, dir);
}

} // namespace dlc
