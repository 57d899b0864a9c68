//===- GraphBase.td - graph dialect definition -------------*- tablegen -*-===//
//
// The graph dialect holds one op per model-level operation with ONNX
// semantics on statically shaped tensors. Shape-like operands of ONNX
// (axes, pads, shapes, repeats, ...) are attributes here: the importer
// requires them to be constant and folds them in.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_GRAPH_GRAPHBASE_TD
#define DLC_DIALECT_GRAPH_GRAPHBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::dlc::graph";
  let summary = "Model-level tensor operations with ONNX semantics";
  let description = [{
    One op per model-level operation (convolution, matmul, pooling,
    elementwise math, normalization, shape manipulation, reductions, ...).
    All tensors are ranked and statically shaped. Every op verifies its
    operands and attributes and infers its result type.
  }];
  let hasConstantMaterializer = 1;
  // Inherent attributes live in the attribute dictionary so that the
  // importer can build any op generically from a name and a dictionary.
  let usePropertiesForAttributes = 0;
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, traits>;

// Element types the graph dialect accepts. Signed ONNX integers map to
// signless MLIR integers, unsigned ones to ui8/ui16/ui32/ui64, bool to i1.
// The storage types (float8, float4, int4, int2 and their unsigned forms)
// are accepted by the ops that move data and by Cast/CastLike, the
// quantization ops and BitCast; arithmetic on them goes through Cast.
def Graph_FloatElement : AnyTypeOf<[F16, BF16, F32, F64]>;
def Graph_IntElement : AnyTypeOf<[I8, UI8, I16, UI16, I32, UI32, I64, UI64]>;
def Graph_NumericElement : AnyTypeOf<[F16, BF16, F32, F64, I8, UI8, I16, UI16, I32, UI32, I64, UI64]>;
def Graph_AnyElement : AnyTypeOf<[F16, BF16, F32, F64, I8, UI8, I16, UI16, I32, UI32, I64, UI64, I1]>;

def Graph_StorageElement : AnyTypeOf<[F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ,
                                       F8E8M0FNU, F4E2M1FN, I<4>, UI<4>, I<2>,
                                       UI<2>]>;
def Graph_Tensor : StaticShapeTensorOf<[F16, BF16, F32, F64, I8, UI8, I16, UI16, I32, UI32, I64, UI64, I1,
    F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, F8E8M0FNU, F4E2M1FN, I<4>, UI<4>, I<2>, UI<2>]>;
def Graph_FloatTensor : StaticShapeTensorOf<[F16, BF16, F32, F64]>;
def Graph_NumericTensor : StaticShapeTensorOf<[F16, BF16, F32, F64, I8, UI8, I16, UI16, I32, UI32, I64, UI64]>;
def Graph_SignedNumericTensor : StaticShapeTensorOf<[F16, BF16, F32, F64, I8, I16, I32, I64]>;
def Graph_IntTensor : StaticShapeTensorOf<[I8, UI8, I16, UI16, I32, UI32, I64, UI64]>;
def Graph_BoolTensor : StaticShapeTensorOf<[I1]>;
def Graph_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
def Graph_I64Tensor : StaticShapeTensorOf<[I64]>;

#endif // DLC_DIALECT_GRAPH_GRAPHBASE_TD
