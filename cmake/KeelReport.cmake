# The HTML reports inline the minified Vega, Vega-Lite and vega-embed bundles that scripts/setup.sh
# installs into web/node_modules (npm ci, versions pinned in web/package-lock.json). They are
# assembled into keel_report with .incbin from a generated assembler file: no network at view time,
# no multi-megabyte C++ literal, and a changed bundle rebuilds that one object.
#
# Without the bundles (setup not run) keel still builds; the report writer then refuses with a
# message that says to run scripts/setup.sh and rebuild. Creating web/node_modules touches web/,
# which re-runs this configuration, so the next build picks the bundles up.
set(KEEL_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(KEEL_NODE_MODULES ${KEEL_WEB_DIR}/node_modules CACHE PATH
    "Where the Vega bundles are taken from (a path without them builds keel without reports)")
set(KEEL_VEGA_JS ${KEEL_NODE_MODULES}/vega/build/vega.min.js)
set(KEEL_VEGA_LITE_JS ${KEEL_NODE_MODULES}/vega-lite/build/vega-lite.min.js)
set(KEEL_VEGA_EMBED_JS ${KEEL_NODE_MODULES}/vega-embed/build/vega-embed.min.js)
set(KEEL_VEGA_BUNDLES ${KEEL_VEGA_JS} ${KEEL_VEGA_LITE_JS} ${KEEL_VEGA_EMBED_JS})

set(KEEL_HAVE_VEGA_BUNDLES ON)
foreach(bundle IN LISTS KEEL_VEGA_BUNDLES)
  if(NOT EXISTS ${bundle})
    set(KEEL_HAVE_VEGA_BUNDLES OFF)
  endif()
endforeach()

if(KEEL_HAVE_VEGA_BUNDLES)
  enable_language(ASM)
  set(bundles_source ${CMAKE_CURRENT_BINARY_DIR}/generated/keel_report_bundles.S)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/keel_report_bundles.S.in ${bundles_source} @ONLY)
  target_sources(keel_report PRIVATE ${bundles_source})
  set_source_files_properties(${bundles_source} PROPERTIES OBJECT_DEPENDS "${KEEL_VEGA_BUNDLES}")
  # The versions, for the report footer, from each package's package.json.
  set(versions "")
  foreach(package IN ITEMS vega vega-lite vega-embed)
    file(READ ${KEEL_NODE_MODULES}/${package}/package.json manifest)
    string(JSON version ERROR_VARIABLE json_error GET "${manifest}" version)
    if(json_error)
      set(version "?")
    endif()
    list(APPEND versions "${package} ${version}")
  endforeach()
  list(JOIN versions ", " versions)
  set_source_files_properties(${PROJECT_SOURCE_DIR}/src/report/vega_bundles.cpp
    PROPERTIES COMPILE_DEFINITIONS "KEEL_REPORT_HAVE_VEGA_BUNDLES=1;KEEL_REPORT_VEGA_VERSIONS=\"${versions}\"")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${KEEL_VEGA_BUNDLES}
               ${KEEL_WEB_DIR}/package-lock.json)
  message(STATUS "keel: HTML reports inline ${versions} from ${KEEL_NODE_MODULES}")
else()
  if(EXISTS ${KEEL_WEB_DIR})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${KEEL_WEB_DIR})
  endif()
  message(WARNING "keel: ${KEEL_NODE_MODULES} has no Vega bundles; `--report` will fail until you "
                  "run scripts/setup.sh and rebuild")
endif()
