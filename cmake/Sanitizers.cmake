# ASan + UBSan for the whole build when CRADLE_SANITIZE is on (CI runs the test suite this way).
if(CRADLE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
