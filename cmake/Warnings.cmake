# Project-wide warning set; every target of ours links cradle_warnings.
add_library(cradle_warnings INTERFACE)
target_compile_options(cradle_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
  -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  $<$<BOOL:${CRADLE_WERROR}>:-Werror>)
