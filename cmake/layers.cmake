# The layers of orchestrator/src/, as orchestrator/layers.txt writes them.
#
# sluice_read_layers(FILE) sets SLUICE_LAYERS (lowest first) and, for each
# layer, SLUICE_DEPS_<layer>: the layers it may include. Lines that are not
# `<layer>: ...` (comments, `private`, `allow`) are the layer test's business;
# `cli` is not under src/ and has no target here.
function(sluice_read_layers file)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(STRINGS ${file} lines REGEX "^[a-z_]+:")
  set(layers)
  foreach(line IN LISTS lines)
    string(REGEX MATCH "^([a-z_]+):([^#]*)" _ "${line}")
    set(layer ${CMAKE_MATCH_1})
    string(REGEX MATCHALL "[a-z_]+" deps "${CMAKE_MATCH_2}")
    if(layer STREQUAL "cli")
      continue()
    endif()
    list(APPEND layers ${layer})
    set(SLUICE_DEPS_${layer} ${deps} PARENT_SCOPE)
  endforeach()
  set(SLUICE_LAYERS ${layers} PARENT_SCOPE)
endfunction()

# sluice_layer_view(LAYER OUT) makes <build>/layer_view/<LAYER>/ hold one
# symbolic link per layer LAYER may include (itself included), so that a
# target given only that directory cannot find any other layer's headers:
# `#include "sinks/..."` in spec/ is a compile error, not a convention.
function(sluice_layer_view layer out)
  set(view ${PROJECT_BINARY_DIR}/layer_view/${layer})
  file(REMOVE_RECURSE ${view})
  file(MAKE_DIRECTORY ${view})
  foreach(seen IN ITEMS ${layer} ${SLUICE_DEPS_${layer}})
    if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/orchestrator/src/${seen})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/orchestrator/src/${seen} ${view}/${seen} SYMBOLIC)
    endif()
  endforeach()
  set(${out} ${view} PARENT_SCOPE)
endfunction()
