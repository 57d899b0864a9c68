//===- Common.h - helpers of the graph-to-linalg patterns -------*- C++ -*-===//
//
// The graph-to-linalg conversion is split by op family (Elementwise, Shape,
// Contraction, Reduction, NN), mirroring dialects/Graph/lib. Each family
// adds its patterns with a populateGraphToLinalg<Family>Patterns function;
// the helpers they share (signless types, scalar constants, elementwise and
// reduction generics, Cast semantics) live here.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_PASSES_GRAPHTOLINALG_COMMON_H
#define DLC_PASSES_GRAPHTOLINALG_COMMON_H

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dlc::graph_to_linalg {

using mlir::Location;
using mlir::OpBuilder;
using mlir::RankedTensorType;
using mlir::Type;
using mlir::Value;
using mlir::ValueRange;

//===----------------------------------------------------------------------===//
// Pattern sets, one per op family
//===----------------------------------------------------------------------===//

void populateGraphToLinalgElementwisePatterns(mlir::TypeConverter &converter,
                                              mlir::RewritePatternSet &patterns);
void populateGraphToLinalgShapePatterns(mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);
void populateGraphToLinalgContractionPatterns(
    mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateGraphToLinalgReductionPatterns(mlir::TypeConverter &converter,
                                            mlir::RewritePatternSet &patterns);
void populateGraphToLinalgNNPatterns(mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns);
void populateGraphToLinalgScatterPatterns(mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns);

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

/// Signless version of an element type (ui8 -> i8); the storage types
/// become i8 containers (see SmallTypes.cpp).
Type signless(Type element);
RankedTensorType signlessType(Type type);
bool isUnsignedElement(Type type);

Value constantScalar(OpBuilder &b, Location loc, Type element, double value);
/// The lowest (or highest) value of an element type: -inf/+inf for floats.
Value extremeScalar(OpBuilder &b, Location loc, Type element, bool highest,
                    bool isUns);
/// A constant of `like`'s type.
Value floatConst(OpBuilder &b, Location loc, Value like, double v);
Value indexConst(OpBuilder &b, Location loc, int64_t v);

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type);
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   Value scalar);

//===----------------------------------------------------------------------===//
// Generics
//===----------------------------------------------------------------------===//

/// Indexing map reading `operandType` broadcast (numpy-style) into an
/// iteration space equal to `shape`.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> shape,
                             RankedTensorType operandType);

using BodyFn = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// A linalg.generic computing `body` elementwise over broadcast operands.
Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange operands, BodyFn body);

/// Elementwise map of a tensor with a scalar function.
Value mapTensor(OpBuilder &b, Location loc, Value input,
                llvm::function_ref<Value(OpBuilder &, Location, Value)> fn);

/// A linalg.generic over the result's index space whose body computes the
/// result from the indices (`body` gets the builder and the index values).
Value indexGeneric(OpBuilder &b, Location loc, RankedTensorType type,
                   BodyFn body);

/// Reshape between static shapes with the same element count: collapse to
/// 1-D (or 0-D) and expand again.
Value reshapeTo(OpBuilder &b, Location loc, Value value,
                RankedTensorType type);

enum class ReduceKind { Sum, Prod, Max, Min };

/// Reduces `input` over `axes` (sorted) with `kind` after applying `pre` to
/// each element; the result drops the reduced dimensions.
Value reduce(OpBuilder &b, Location loc, Value input,
             llvm::ArrayRef<int64_t> axes, ReduceKind kind, bool isUns,
             llvm::function_ref<Value(OpBuilder &, Location, Value)> pre =
                 nullptr);

//===----------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------===//

Value sigmoidScalar(OpBuilder &b, Location loc, Value x);
Value clampScalar(OpBuilder &b, Location loc, Value x, Value lo, Value hi,
                  bool isUns);
/// Scalar conversion between element types with ONNX Cast semantics.
/// How a Cast to a float8 or float4 type treats values out of range (ONNX
/// Cast's saturate) and how a cast to float8e8m0 rounds (round_mode).
struct CastMode {
  bool saturate = true;
  enum class Round { Up, Down, Nearest } round = Round::Up;
};
Value castScalar(OpBuilder &b, Location loc, Value x, Type from, Type to,
                 const CastMode &mode = {});

//===----------------------------------------------------------------------===//
// Storage types (SmallTypes.cpp): float8, float4, int4, int2 in i8
// containers
//===----------------------------------------------------------------------===//

bool isStorageElement(Type element);
/// The compute type of a storage type's values: f32 or i32.
Type decodedType(OpBuilder &b, Type storage);
/// A container's value in decodedType(storage).
Value decodeStorage(OpBuilder &b, Location loc, Value x, Type storage);
/// The container of a value of decodedType(storage).
Value encodeStorage(OpBuilder &b, Location loc, Value v, Type storage,
                    const CastMode &mode);
Value castStorageScalar(OpBuilder &b, Location loc, Value x, Type from, Type to,
                        const CastMode &mode);
Value addF(OpBuilder &b, Location l, Value x, Value y);
Value mulF(OpBuilder &b, Location l, Value x, Value y);

} // namespace dlc::graph_to_linalg

#endif // DLC_PASSES_GRAPHTOLINALG_COMMON_H
