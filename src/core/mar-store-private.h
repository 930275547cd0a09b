/* mar-store-private.h — the store's SQL helpers, for the core's own modules
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The record, the outbox and sync keep their tables in the same database
 * (one per terminal) and write in the same transactions as the store
 * (mar_store_begin/commit), so they share its connection, its statement
 * cache and its error mapping. Never used outside src/core.
 *
 * Rules: SQL only as string literals with bound parameters (statements
 * are cached by the literal's address); a statement from
 * mar_store_prepare() goes in a g_autoptr(MarStmt), which resets it.
 */

#pragma once

#include <sqlite3.h>

#include "mar-store.h"

G_BEGIN_DECLS

typedef sqlite3_stmt MarStmt;

void      mar_stmt_release           (MarStmt      *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarStmt, mar_stmt_release)

/* A cached prepared statement for the SQL literal @sql. */
MarStmt  *mar_store_prepare          (MarStore     *self,
                                      const char   *sql,
                                      GError      **error);
/* SQLITE_ROW or SQLITE_DONE; -1 with @error set (MAR_STORE_ERROR). */
int       mar_store_step             (MarStore     *self,
                                      MarStmt      *stmt,
                                      GError      **error);
/* A text column as a newly allocated string; NULL for SQL NULL. */
char     *mar_store_column_dup       (MarStmt      *stmt,
                                      int           index);
/* Steps to the end (a statement without results). */
gboolean  mar_store_run              (MarStore     *self,
                                      MarStmt      *stmt,
                                      GError      **error);
gboolean  mar_store_exec             (MarStore     *self,
                                      const char   *sql,
                                      GError      **error);
void      mar_store_set_sqlite_error (MarStore     *self,
                                      int           rc,
                                      GError      **error);
sqlite3  *mar_store_get_handle       (MarStore     *self);

G_END_DECLS
