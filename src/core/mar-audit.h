/* mar-audit.h — the record's hash chain and its head file
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every record entry (an administration action, a correction, a staff
 * event) carries the SHA-256 of its canonical form, which includes the
 * hash of the entry before it (docs/record.md gives the exact form). An
 * edited entry no longer matches its hash; a deleted, inserted or moved one
 * breaks the chain at that point. What the chain alone cannot show is a
 * record cut short at the end (or a database replaced by an older copy of
 * itself): for that the newest (sequence, hash) is also kept in a file
 * beside the database, "<db>.chain", and queued for the server as an
 * AuditEvent.
 *
 * The head file is written after each commit, atomically (temporary file,
 * fsync, rename, fsync of the folder). A crash between the commit and the
 * file leaves the file one step behind: it may lag the database, never
 * lead it, and a lagging file that matches the entry it names is intact.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mar-store.h"

G_BEGIN_DECLS

#define MAR_AUDIT_ERROR (mar_audit_error_quark ())

typedef enum
{
  MAR_AUDIT_ERROR_FAILED,      /* anything else */
  MAR_AUDIT_ERROR_HEAD_FILE,   /* the head file cannot be written or read */
} MarAuditError;

/* The previous hash of the first entry. */
#define MAR_AUDIT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The file beside the database: "<db>.chain". */
#define MAR_AUDIT_HEAD_SUFFIX ".chain"

typedef struct
{
  gint64  seq;           /* 1, 2, 3… without gaps */
  char   *uuid;
  char   *kind;          /* docs/record.md, Entry kinds */
  gint64  at;            /* clinical time */
  gint64  recorded_at;   /* when it was written (the terminal's clock) */
  char   *performer_id;  /* staff id, or "terminal:root" / "terminal:service-account" */
  char   *witness_id;    /* nullable */
  char   *patient_id;    /* nullable */
  gint64  infusion_id;   /* 0: none */
  gint64  corrects_seq;  /* 0: none; else the entry this one marks entered in error */
  char   *payload;       /* canonical JSON */
  char   *prev_hash;
  char   *hash;
} MarAuditEntry;

typedef enum
{
  MAR_AUDIT_INTACT = 0,
  MAR_AUDIT_ENTRY_CHANGED,      /* an entry's content no longer matches its hash */
  MAR_AUDIT_ENTRY_MISSING,      /* a gap in the sequence */
  MAR_AUDIT_ENTRY_OUT_OF_PLACE, /* an entry does not follow the one before it (reordered, replaced) */
  MAR_AUDIT_TRUNCATED,          /* the head file names an entry beyond the end of the database */
  MAR_AUDIT_HEAD_MISMATCH,      /* the entry the head file names has another hash */
  MAR_AUDIT_HEAD_MISSING,       /* entries but no head file */
  MAR_AUDIT_HEAD_UNREADABLE,    /* a head file that is not one */
} MarAuditProblem;

typedef struct
{
  MarAuditProblem  problem;
  gint64           entries;        /* entries read */
  gint64           last_seq;       /* the database's newest entry (0: none) */
  gint64           head_seq;       /* what the head file says (-1: no file) */
  gint64           first_bad_seq;  /* 0 when intact */
  char            *message;        /* for IT: what is wrong and where; NULL when intact */
} MarAuditReport;

GQuark          mar_audit_error_quark          (void);

void            mar_audit_entry_free           (MarAuditEntry        *entry);
void            mar_audit_report_clear         (MarAuditReport       *report);
const char     *mar_audit_problem_to_string    (MarAuditProblem       problem);

/* JSON with object members sorted by name, no white space, numbers in
 * their shortest exact form: the payload as stored and hashed. */
char           *mar_audit_canonical_json       (JsonNode             *node);
/* The SHA-256 (lower-case hex) of @entry's canonical form, with its
 * prev_hash; the stored hash is not read. */
char           *mar_audit_entry_compute_hash   (const MarAuditEntry  *entry);

/* "<db>.chain" for the store's database. (transfer full) */
char           *mar_audit_dup_head_path        (MarStore             *store);
/* The newest entry in the database: 0 and the genesis hash when empty. */
gboolean        mar_audit_get_head             (MarStore             *store,
                                                gint64               *seq,
                                                char                **hash,
                                                GError              **error);
/* Reads a head file; FALSE with G_FILE_ERROR_NOENT when there is none,
 * MAR_AUDIT_ERROR_HEAD_FILE when it is not a head file. */
gboolean        mar_audit_read_head_file       (const char           *path,
                                                gint64               *seq,
                                                char                **hash,
                                                GError              **error);
/* Brings the head file up to the database's newest entry (never past it);
 * call after a commit. A missing file is written only while the record is
 * empty (or at its first entry): a file that went missing later is left
 * for mar_audit_verify() to report. */
gboolean        mar_audit_write_head_file      (MarStore             *store,
                                                GError              **error);

/* Walks the whole chain and compares its end with the head file
 * (@head_path NULL: the default one). Returns FALSE only when the
 * database cannot be read; the verdict is in @report. */
gboolean        mar_audit_verify               (MarStore             *store,
                                                const char           *head_path,
                                                MarAuditReport       *report,
                                                GError              **error);

/* (element-type MarAuditEntry) entries with seq in [@from, @to] (@to < 0:
 * to the end), oldest first. */
GPtrArray      *mar_audit_list_entries         (MarStore             *store,
                                                gint64                from,
                                                gint64                to,
                                                GError              **error);

/* This terminal's identity in the chain and in FHIR (meta.source,
 * AuditEvent.source): a UUID made once and kept in the settings. */
char           *mar_audit_dup_terminal_id      (MarStore             *store,
                                                GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarAuditEntry, mar_audit_entry_free)

G_END_DECLS
