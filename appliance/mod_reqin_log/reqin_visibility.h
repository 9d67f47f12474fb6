/* reqin_visibility: how mod_reqin_log's files share functions.
 *
 * Part of ja4-platform (BSD-3-Clause).
 */

#ifndef REQIN_VISIBILITY_H
#define REQIN_VISIBILITY_H

/* Shared between this module's files only: kept out of the .so's dynamic
 * symbol table, so that no other module can clash with or interpose them. */
#if defined(__GNUC__)
#define REQIN_HIDDEN __attribute__((visibility("hidden")))
#else
#define REQIN_HIDDEN
#endif

#endif /* REQIN_VISIBILITY_H */
