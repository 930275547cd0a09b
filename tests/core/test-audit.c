/* test-audit.c — the hash chain and its head file: every kind of tampering is found
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4, Audit trail: an edited, deleted, reordered or truncated record
 * is detected and its first bad entry named. The tampering is done the
 * way an attacker would: a second SQLite connection (dropping the
 * append-only triggers first), bytes changed in the database file, and a
 * database put back from an older copy.
 */

#define _GNU_SOURCE  /* memmem */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mar-audit-private.h"
#include "mar-store-private.h"
#include "record-test-util.h"
#include "store-test-util.h"

static char *
canonical (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return mar_audit_canonical_json (node);
}

/* Members sorted by name, no white space, numbers in their shortest exact
 * form, strings escaped only where JSON requires it. */
static void
test_canonical_json (void)
{
  g_autofree char *a = canonical ("{ \"b\": 1, \"a\": [true, null, 0.1, 2.50, -3], \"c\": \"x\\\"y\\n\\u0001é\" }");
  g_autofree char *b = canonical ("{\"c\":\"x\\\"y\\n\\u0001é\",\"a\":[true,null,0.1,2.5,-3],\"b\":1}");

  g_assert_cmpstr (a, ==, "{\"a\":[true,null,0.1,2.5,-3],\"b\":1,\"c\":\"x\\\"y\\n\\u0001é\"}");
  g_assert_cmpstr (a, ==, b);
}

/* The hash of docs/record.md's example entry, computed independently
 * (Python hashlib over the documented netstring form). */
static void
test_hash_known_vector (void)
{
  MarAuditEntry entry = {
    .seq = 1, .uuid = (char *) "00000000-0000-4000-8000-000000000001", .kind = (char *) "infusion-started",
    .at = 1768489200, .recorded_at = 1768489260, .performer_id = (char *) "prac-n1001",
    .patient_id = (char *) "pt-4w-01", .infusion_id = 1,
    .payload = (char *) "{\"rate_ml_h\":75,\"site\":\"bras gauche é\"}",
    .prev_hash = (char *) MAR_AUDIT_GENESIS_HASH,
  };
  g_autofree char *hash = mar_audit_entry_compute_hash (&entry);

  g_assert_cmpstr (hash, ==, "d867615c8f69837316687da346c29e95eb8a0d3f8c8ec401ae7730e2e56bbb11");
}

/* A short documentation run: staff PINs (entries 1–9), then bags. */
static RecordWard *
documented_ward (void)
{
  RecordWard *w = record_ward_new ();
  /* 80 mL/h: an override, so the variance log has a row. */
  g_autoptr(MarInfusion) nacl = rw_start_nacl (w, RW_NACL_S01, 0, 80);
  g_autoptr(MarInfusion) heparin = rw_start_heparin (w, 5, 12.96, NULL, 0);
  g_autoptr(GError) error = NULL;
  MarRecordContext at30 = rw_context (w, 30, w->nurse, NULL);
  MarRecordContext at60 = rw_context (w, 60, w->nurse, NULL);

  g_autoptr(MarInfusion) resumed = NULL;

  g_assert_nonnull (heparin);
  g_assert_true (mar_record_pause (w->record, &at30, nacl->id, "patient-care", NULL, &error));
  g_assert_true (mar_record_resume (w->record, &at60, nacl->id, NULL, &error));
  resumed = mar_record_get_infusion (w->record, nacl->id, &error);
  /* Entries: 1–9 PINs set, 10 saline, 11 heparin, 12 pause, 13 resume,
   * 14 the resume's correction (its comment only in that entry). */
  g_assert_cmpint (mar_record_correct (w->record, &at60, resumed->updated_seq, "wrong-action",
                                       "surgery-marker-0001", &error), ==, 14);
  g_assert_no_error (error);
  return w;
}

static void
verify (RecordWard     *w,
        MarAuditReport *report)
{
  g_autoptr(GError) error = NULL;

  record_ward_reopen (w);
  g_assert_true (mar_audit_verify (w->store, NULL, report, &error));
  g_assert_no_error (error);
  if (report->message != NULL)
    g_test_message ("%s: %s", mar_audit_problem_to_string (report->problem), report->message);
}

static gint64
last_seq (RecordWard *w)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 seq;

  g_assert_true (mar_audit_get_head (w->store, &seq, &hash, &error));
  return seq;
}

static void
test_intact (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  MarAuditReport report;
  gint64 last = last_seq (w);

  verify (w, &report);
  g_assert_cmpint (report.problem, ==, MAR_AUDIT_INTACT);
  g_assert_cmpint (report.entries, ==, last);
  g_assert_cmpint (report.head_seq, ==, last);
  g_assert_cmpint (report.first_bad_seq, ==, 0);
  g_assert_null (report.message);
  mar_audit_report_clear (&report);
}

/* The append-only rules hold against SQL too. */
static void
test_triggers (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  g_autoptr(GError) error = NULL;

  g_assert_false (mar_store_exec (w->store, "UPDATE record_entries SET kind = 'x' WHERE seq = 3", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (mar_store_exec (w->store, "DELETE FROM record_entries WHERE seq = 3", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (mar_store_exec (w->store, "DELETE FROM variances", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CONSTRAINT);
}

static void
assert_problem (RecordWard       *w,
                MarAuditProblem   problem,
                gint64            first_bad)
{
  MarAuditReport report;

  verify (w, &report);
  g_assert_cmpstr (mar_audit_problem_to_string (report.problem), ==, mar_audit_problem_to_string (problem));
  g_assert_cmpint (report.first_bad_seq, ==, first_bad);
  g_assert_nonnull (report.message);
  mar_audit_report_clear (&report);
}

#define UNLOCK "DROP TRIGGER record_entries_no_update; DROP TRIGGER record_entries_no_delete; " \
               "DROP TRIGGER record_entries_chained;"

static void
test_edited (void)
{
  g_autoptr(RecordWard) w = documented_ward ();

  test_database_exec (w->db, UNLOCK "UPDATE record_entries SET at = at - 3600 WHERE seq = 12");
  assert_problem (w, MAR_AUDIT_ENTRY_CHANGED, 12);
}

/* Edited and its hash recomputed: the next entry no longer follows it. */
static void
test_edited_and_rehashed (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  g_autoptr(GPtrArray) entries = mar_audit_list_entries (w->store, 12, 12, NULL);
  MarAuditEntry *entry = g_ptr_array_index (entries, 0);
  g_autofree char *hash = NULL;
  g_autofree char *sql = NULL;

  entry->at -= 3600;
  hash = mar_audit_entry_compute_hash (entry);
  sql = g_strdup_printf (UNLOCK "UPDATE record_entries SET at = %" G_GINT64_FORMAT ", hash = '%s' WHERE seq = 12",
                         entry->at, hash);
  test_database_exec (w->db, sql);
  assert_problem (w, MAR_AUDIT_ENTRY_OUT_OF_PLACE, 13);
}

static void
test_deleted (void)
{
  g_autoptr(RecordWard) w = documented_ward ();

  test_database_exec (w->db, UNLOCK "DELETE FROM record_entries WHERE seq = 11");
  assert_problem (w, MAR_AUDIT_ENTRY_MISSING, 11);
}

/* Two entries swap places (their contents move, the numbers stay). */
static void
test_reordered (void)
{
  g_autoptr(RecordWard) w = documented_ward ();

  test_database_exec (w->db, UNLOCK
                      "UPDATE record_entries SET seq = -1 WHERE seq = 11;"
                      "UPDATE record_entries SET seq = 11 WHERE seq = 12;"
                      "UPDATE record_entries SET seq = 12 WHERE seq = -1;");
  assert_problem (w, MAR_AUDIT_ENTRY_OUT_OF_PLACE, 11);
}

/* The newest entries removed: only the head file can tell. */
static void
test_truncated (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  gint64 last = last_seq (w);
  g_autofree char *sql = g_strdup_printf (UNLOCK "DELETE FROM record_entries WHERE seq >= %" G_GINT64_FORMAT,
                                          last - 1);

  test_database_exec (w->db, sql);
  assert_problem (w, MAR_AUDIT_TRUNCATED, last - 1);
}

/* Bytes changed in the file itself, no SQL at all. */
static void
test_file_surgery (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  char *marker;

  g_clear_object (&w->record);
  g_clear_object (&w->verifier);
  g_clear_object (&w->store);  /* checkpoints the WAL into the file */
  g_assert_true (g_file_get_contents (w->db, &contents, &length, &error));
  marker = memmem (contents, length, "surgery-marker-0001", strlen ("surgery-marker-0001"));
  g_assert_nonnull (marker);
  g_assert_null (memmem (marker + 1, length - (marker + 1 - contents), "surgery-marker-0001",
                         strlen ("surgery-marker-0001")));
  marker[strlen ("surgery-marker-000")] = '2';
  g_assert_true (g_file_set_contents (w->db, contents, length, &error));
  assert_problem (w, MAR_AUDIT_ENTRY_CHANGED, 14);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
}

/* Resumes and pauses the (paused) saline bag @n times from @minutes. */
static void
act_on_saline (RecordWard *w,
               double      minutes,
               guint       n)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      MarRecordContext context = rw_context (w, minutes + 10 * i, w->nurse, NULL);

      if (i % 2 == 0)
        g_assert_true (mar_record_resume (w->record, &context, 1, NULL, &error));
      else
        g_assert_true (mar_record_pause (w->record, &context, 1, "patient-care", NULL, &error));
      g_assert_no_error (error);
    }
}

/* The database put back from an older copy of itself (a backup, a
 * snapshot): every entry in it is sound, but the head file knows better.
 * And if documenting goes on over it, the entry the head file names no
 * longer matches. */
static void
test_restored_from_older_copy (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  g_autofree char *copy = g_build_filename (w->folder, "old.db", NULL);
  gint64 old_last;

  g_clear_object (&w->record);
  g_clear_object (&w->verifier);
  g_clear_object (&w->store);
  copy_file (w->db, copy);
  record_ward_reopen (w);
  old_last = last_seq (w);
  act_on_saline (w, 120, 2);
  g_clear_object (&w->record);
  g_clear_object (&w->verifier);
  g_clear_object (&w->store);
  copy_file (copy, w->db);
  assert_problem (w, MAR_AUDIT_TRUNCATED, old_last + 1);

  /* Documenting on: three entries later the record is longer than the
   * head file says, but its entry at the head's number is another one
   * (and the head file was not moved over it). */
  act_on_saline (w, 140, 3);
  assert_problem (w, MAR_AUDIT_HEAD_MISMATCH, old_last + 2);
}

static void
test_head_missing (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  g_autofree char *head = g_strconcat (w->db, ".chain", NULL);

  g_assert_cmpint (g_unlink (head), ==, 0);
  assert_problem (w, MAR_AUDIT_HEAD_MISSING, last_seq (w));
}

static void
test_head_unreadable (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  g_autofree char *head = g_strconcat (w->db, ".chain", NULL);

  g_assert_true (g_file_set_contents (head, "{\"seq\": \"many\"}", -1, NULL));
  assert_problem (w, MAR_AUDIT_HEAD_UNREADABLE, last_seq (w));
}

/* A crash between the commit and the head file leaves the file one entry
 * behind: that is sound, and the next commit brings it up to date. */
static void
test_head_lags (void)
{
  g_autoptr(RecordWard) w = documented_ward ();
  g_autofree char *head = g_strconcat (w->db, ".chain", NULL);
  g_autoptr(GPtrArray) entries = mar_audit_list_entries (w->store, 13, 13, NULL);
  MarAuditEntry *entry = g_ptr_array_index (entries, 0);
  g_autofree char *text = g_strdup_printf ("{\"format\":\"bedside-mar-chain-head\",\"version\":1,"
                                           "\"seq\":13,\"hash\":\"%s\"}\n", entry->hash);
  g_autoptr(GError) error = NULL;
  MarAuditReport report;
  gint64 seq = 0;
  g_autofree char *hash = NULL;

  g_assert_true (g_file_set_contents (head, text, -1, NULL));
  verify (w, &report);
  g_assert_cmpint (report.problem, ==, MAR_AUDIT_INTACT);
  g_assert_cmpint (report.head_seq, ==, 13);
  mar_audit_report_clear (&report);

  g_assert_true (mar_audit_write_head_file (w->store, &error));
  g_assert_true (mar_audit_read_head_file (head, &seq, &hash, &error));
  g_assert_cmpint (seq, ==, last_seq (w));

  /* A head file pointing at a sound entry with a wrong hash is not. */
  {
    g_autofree char *wrong = g_strdup_printf ("{\"format\":\"bedside-mar-chain-head\",\"version\":1,"
                                              "\"seq\":13,\"hash\":\"%s\"}\n", MAR_AUDIT_GENESIS_HASH);
    g_assert_true (g_file_set_contents (head, wrong, -1, NULL));
    assert_problem (w, MAR_AUDIT_HEAD_MISMATCH, 13);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/audit/canonical-json", test_canonical_json);
  g_test_add_func ("/core/audit/hash/known-vector", test_hash_known_vector);
  g_test_add_func ("/core/audit/intact", test_intact);
  g_test_add_func ("/core/audit/append-only", test_triggers);
  g_test_add_func ("/core/audit/edited", test_edited);
  g_test_add_func ("/core/audit/edited-and-rehashed", test_edited_and_rehashed);
  g_test_add_func ("/core/audit/deleted", test_deleted);
  g_test_add_func ("/core/audit/reordered", test_reordered);
  g_test_add_func ("/core/audit/truncated", test_truncated);
  g_test_add_func ("/core/audit/file-surgery", test_file_surgery);
  g_test_add_func ("/core/audit/restored-from-older-copy", test_restored_from_older_copy);
  g_test_add_func ("/core/audit/head/missing", test_head_missing);
  g_test_add_func ("/core/audit/head/unreadable", test_head_unreadable);
  g_test_add_func ("/core/audit/head/lags", test_head_lags);

  return g_test_run ();
}
