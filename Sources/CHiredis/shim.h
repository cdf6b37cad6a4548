#ifndef MIRROR_CHIREDIS_SHIM_H
#define MIRROR_CHIREDIS_SHIM_H
// Debian's libhiredis-dev installs its headers under /usr/include/hiredis.
#include <hiredis/hiredis.h>
#endif
