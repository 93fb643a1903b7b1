#include "cyaml.h"
// Nothing to wrap: libyaml's API is not variadic. This file makes CYAML a C target.
