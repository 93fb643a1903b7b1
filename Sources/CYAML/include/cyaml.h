#ifndef CYAML_H
#define CYAML_H
// The system libyaml; the parser is driven from Swift (KubeConfig/YAML).
#include <yaml.h>
#endif
