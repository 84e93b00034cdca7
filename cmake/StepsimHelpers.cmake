# Warning flags for stepsim's own targets (PRIVATE, never propagated to users).
function(stepsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast)
  # g++ 12 reports -Wrestrict/-Wstringop-overflow inside libstdc++'s own
  # std::string code when it inlines it (GCC bugs 105329, 105651), not in ours.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)
  endif()
  if(STEPSIM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# stepsim_add_test(NAME name SOURCES ... LIBS ...): one gtest executable,
# registered with gtest_discover_tests.
function(stepsim_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${ARG_NAME} PRIVATE
    STEPSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    STEPSIM_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/fixtures")
  stepsim_warnings(${ARG_NAME})
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "STEPSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
                                  # RapidCheck properties draw from one fixed seed under
                                  # ctest, so CI runs are reproducible; run a binary
                                  # directly (or set RC_PARAMS) to explore other seeds.
                                  ENVIRONMENT_MODIFICATION "RC_PARAMS=set:seed=20261127")
endfunction()
