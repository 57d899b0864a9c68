# dlc_add_model(<target> <model.onnx>
#               [NAME <name>]                 symbol prefix (default: model stem)
#               [TARGET_DEVICE cpu]           dlc --target: cpu, cuda:sm_80[,sm_90],
#                                             rocm:gfx942, gpu-emu
#               [WEIGHTS embedded|external]   where the weights go
#               [PRECISION fp32|tf32|fp16|bf16]  products and convolutions
#                                             (dlc --precision; default fp32)
#               [INPUT_SHAPES NAME=DIMS ...]  static shapes of symbolic inputs
#               [OPTIONS ...])                more dlc flags
#
# Runs dlc at build time and defines <target>, a static library target
# carrying lib<name>.a, the folder of <name>.h and the dlc runtime, so that
#   target_link_libraries(app PRIVATE <target>)
# is all an application needs. The model is recompiled when it or dlc
# changes.
function(dlc_add_model target model)
  cmake_parse_arguments(ARG "" "NAME;TARGET_DEVICE;WEIGHTS;PRECISION"
                        "INPUT_SHAPES;OPTIONS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "dlc_add_model: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(model "${model}" ABSOLUTE)
  if(NOT ARG_NAME)
    get_filename_component(ARG_NAME "${model}" NAME_WE)
  endif()
  if(NOT ARG_TARGET_DEVICE)
    set(ARG_TARGET_DEVICE cpu)
  endif()
  if(NOT ARG_WEIGHTS)
    set(ARG_WEIGHTS embedded)
  endif()
  if(NOT ARG_PRECISION)
    set(ARG_PRECISION fp32)
  endif()
  if(NOT ARG_PRECISION MATCHES "^(fp32|tf32|fp16|bf16)$")
    message(FATAL_ERROR "dlc_add_model: PRECISION must be fp32, tf32, fp16 or bf16, got '${ARG_PRECISION}'")
  endif()
  if(NOT DEFINED DLC_EXECUTABLE)
    message(FATAL_ERROR "dlc_add_model: DLC_EXECUTABLE is not set (use find_package(dlc))")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/dlc_models/${ARG_NAME}")
  set(lib "${dir}/lib${ARG_NAME}.a")
  set(header "${dir}/${ARG_NAME}.h")
  set(outputs "${lib}" "${header}")
  if(ARG_WEIGHTS STREQUAL "external")
    list(APPEND outputs "${dir}/${ARG_NAME}.weights")
  endif()
  set(shape_flags "")
  foreach(shape IN LISTS ARG_INPUT_SHAPES)
    list(APPEND shape_flags "--input-shape=${shape}")
  endforeach()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND "${DLC_EXECUTABLE}" "${model}" "--target=${ARG_TARGET_DEVICE}"
            -o "${dir}" --name "${ARG_NAME}" "--weights=${ARG_WEIGHTS}"
            "--precision=${ARG_PRECISION}" ${shape_flags} ${ARG_OPTIONS}
    DEPENDS "${model}" "${DLC_EXECUTABLE}"
    COMMENT "dlc: compiling ${ARG_NAME} for ${ARG_TARGET_DEVICE}"
    VERBATIM)
  add_custom_target(${target}_dlc DEPENDS ${outputs})
  add_library(${target} STATIC IMPORTED GLOBAL)
  file(MAKE_DIRECTORY "${dir}")
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${lib}"
    INTERFACE_INCLUDE_DIRECTORIES "${dir}"
    INTERFACE_LINK_LIBRARIES "dlc::runtime;m")
  add_dependencies(${target} ${target}_dlc)
  set(${target}_WEIGHTS_DIR "${dir}" PARENT_SCOPE)
endfunction()
