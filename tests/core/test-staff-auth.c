/* test-staff-auth.c — badge + PIN sign-in, lockout, who may set PINs, the terminal's own staff
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4: PINs of 4–8 digits, Argon2id hashes; 5 wrong PINs lock the badge
 * for 5 minutes; an inactive member of staff cannot sign in.
 */

#include "config.h"

#include "mar-audit.h"
#include "mar-store-private.h"
#include "record-test-util.h"

static MarSignature *
sign_in (RecordWard  *w,
         const char  *badge,
         const char  *pin,
         gint64       now,
         GError     **error)
{
  return mar_staff_sign_in (w->store, badge, pin, now, error);
}

static void
test_sign_in (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSignature) nurse = sign_in (w, "N1003", RW_PIN, w->anchor, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (mar_signature_get_staff (nurse)->id, ==, "prac-n1003");
  g_assert_cmpint (mar_signature_get_role (nurse), ==, MAR_ROLE_NURSE);
  g_assert_cmpint (mar_signature_get_time (nurse), ==, w->anchor);
  g_assert_false (mar_signature_is_local (nurse));
  g_assert_cmpint (mar_signature_get_role (w->charge), ==, MAR_ROLE_CHARGE_NURSE);
  g_assert_cmpint (mar_signature_get_role (w->it), ==, MAR_ROLE_IT);
}

/* Only the Argon2id hash is kept, with the documented cost. */
static void
test_pin_hash (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStmt) stmt = mar_store_prepare (w->store, "SELECT pin_hash FROM staff WHERE badge = 'N1001'",
                                               &error);
  const char *hash;

  g_assert_cmpint (mar_store_step (w->store, stmt, &error), ==, SQLITE_ROW);
  hash = (const char *) sqlite3_column_text (stmt, 0);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=65536,t=3,p=1$"));
  g_assert_null (strstr (hash, RW_PIN));
}

/* Five wrong PINs in a row lock the badge for five minutes; while locked
 * even the right PIN is refused; afterwards it signs in and the count
 * starts again. */
static void
test_lockout (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  gint64 now = w->anchor;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= 4; i++)
    {
      g_assert_null (sign_in (w, "N1003", "9999", now + i, &error));
      g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_WRONG_PIN);
      g_clear_error (&error);
    }
  g_assert_null (sign_in (w, "N1003", "9999", now + 5, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_LOCKED);
  g_clear_error (&error);

  /* Locked: the right PIN too, and no more counting. */
  g_assert_null (sign_in (w, "N1003", RW_PIN, now + 5 + MAR_PIN_LOCK_SECONDS - 1, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_LOCKED);
  g_clear_error (&error);

  accounts = mar_staff_list_accounts (w->store, &error);
  for (guint i = 0; i < accounts->len; i++)
    {
      MarStaffAccount *a = g_ptr_array_index (accounts, i);

      if (g_str_equal (a->staff->badge, "N1003"))
        g_assert_cmpint (a->locked_until, ==, now + 5 + MAR_PIN_LOCK_SECONDS);
    }

  /* Five minutes later. */
  {
    g_autoptr(MarSignature) back = sign_in (w, "N1003", RW_PIN, now + 5 + MAR_PIN_LOCK_SECONDS, &error);
    g_assert_no_error (error);
    g_assert_nonnull (back);
  }
  /* The count started again: four wrong PINs do not lock. */
  for (guint i = 1; i <= 4; i++)
    {
      g_assert_null (sign_in (w, "N1003", "9999", now + 400 + i, &error));
      g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_WRONG_PIN);
      g_clear_error (&error);
    }

  /* The lock is in the audit trail. */
  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (w->store,
      "SELECT count(*) FROM record_entries WHERE kind = 'badge-locked'", &error);
    g_assert_cmpint (mar_store_step (w->store, stmt, &error), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  }
}

/* A right PIN clears the count of wrong ones. */
static void
test_wrong_then_right (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(MarSignature) ok = NULL;

      for (guint i = 0; i < 4; i++)
        {
          g_assert_null (sign_in (w, "N1004", "12345", w->anchor + round * 10 + i, &error));
          g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_WRONG_PIN);
          g_clear_error (&error);
        }
      ok = sign_in (w, "N1004", RW_PIN, w->anchor + round * 10 + 5, &error);
      g_assert_no_error (error);
    }
}

/* Malformed PINs cannot match and count as wrong. */
static void
test_malformed_pin (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (sign_in (w, "N1005", "12a4", w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_false (mar_pin_is_well_formed ("123"));
  g_assert_false (mar_pin_is_well_formed ("123456789"));
  g_assert_false (mar_pin_is_well_formed ("12 4"));
  g_assert_true (mar_pin_is_well_formed ("0000"));
  g_assert_true (mar_pin_is_well_formed ("12345678"));
  g_assert_false (mar_staff_set_pin (w->store, "N1005", "123", MAR_STAFF_AUTHORITY_ROOT, NULL, w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_PIN_FORMAT);
}

/* FHIR-PROFILE.md: an inactive practitioner cannot sign in, whatever PIN
 * the terminal holds (N1007 is inactive in the demo ward). */
static void
test_inactive (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_staff_set_pin (w->store, "N1007", RW_PIN, MAR_STAFF_AUTHORITY_ROOT, NULL, w->anchor, &error));
  g_assert_no_error (error);
  g_assert_null (sign_in (w, "N1007", RW_PIN, w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_INACTIVE);
  g_clear_error (&error);
  g_assert_null (sign_in (w, "X0000", RW_PIN, w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_UNKNOWN_BADGE);
}

/* Who sets a PIN (docs/record.md): root always; the terminal's service
 * account only a first PIN; otherwise IT with badge and PIN. */
static void
test_set_pin_authority (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStaff) added = NULL;

  added = mar_staff_add_local (w->store, "N9001", "Ines Haverford", MAR_ROLE_NURSE,
                               MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT, NULL, w->anchor, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (added->id, "local-"));

  /* No PIN yet. */
  g_assert_null (sign_in (w, "N9001", RW_PIN, w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NO_PIN);
  g_clear_error (&error);

  g_assert_true (mar_staff_set_pin (w->store, "N9001", "2468", MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT, NULL,
                                    w->anchor, &error));
  g_assert_no_error (error);
  g_assert_false (mar_staff_set_pin (w->store, "N9001", "1357", MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT, NULL,
                                     w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (mar_staff_set_pin (w->store, "N9001", "1357", MAR_STAFF_AUTHORITY_IT, w->nurse,
                                     w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_true (mar_staff_set_pin (w->store, "N9001", "1357", MAR_STAFF_AUTHORITY_IT, w->it,
                                    w->anchor, &error));
  g_assert_no_error (error);

  {
    g_autoptr(MarSignature) local = sign_in (w, "N9001", "1357", w->anchor, &error);
    g_autoptr(JsonNode) reference = NULL;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    g_assert_true (mar_signature_is_local (local));
    g_assert_cmpint (mar_signature_get_role (local), ==, MAR_ROLE_NURSE);
    /* The server has no Practitioner for them: the badge identifies them. */
    reference = mar_staff_dup_fhir_reference (w->store, added->id, &error);
    text = json_to_string (reference, FALSE);
    g_assert_cmpstr (text, ==, "{\"identifier\":{\"system\":\"urn:bedside-mar:badge\",\"value\":\"N9001\"},"
                               "\"display\":\"Ines Haverford\"}");
  }

  /* Deactivated: no more sign-in. Synced staff change on the server. */
  g_assert_true (mar_staff_set_local_active (w->store, "N9001", FALSE, MAR_STAFF_AUTHORITY_IT, w->it,
                                            w->anchor, &error));
  g_assert_null (sign_in (w, "N9001", "1357", w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_INACTIVE);
  g_clear_error (&error);
  g_assert_false (mar_staff_set_local_active (w->store, "N1001", FALSE, MAR_STAFF_AUTHORITY_ROOT, NULL,
                                             w->anchor, &error));
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED);
}

static void
test_add_local_rules (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStaff) staff = NULL;

  staff = mar_staff_add_local (w->store, "N1001", "Someone Else", MAR_ROLE_NURSE, MAR_STAFF_AUTHORITY_ROOT,
                               NULL, w->anchor, &error);
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_BADGE_IN_USE);
  g_clear_error (&error);
  staff = mar_staff_add_local (w->store, "N9002", "Someone", MAR_ROLE_NURSE, MAR_STAFF_AUTHORITY_IT,
                               w->charge, w->anchor, &error);
  g_assert_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  staff = mar_staff_add_local (w->store, "C9003", "Charge Person", MAR_ROLE_CHARGE_NURSE,
                               MAR_STAFF_AUTHORITY_IT, w->it, w->anchor, &error);
  g_assert_no_error (error);
  g_assert_cmpint (staff->role, ==, MAR_ROLE_CHARGE_NURSE);
}

/* Staff events are in the chain, and it stays intact. */
static void
test_staff_events_chained (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  MarAuditReport report;

  g_assert_true (mar_audit_verify (w->store, NULL, &report, &error));
  g_assert_cmpint (report.problem, ==, MAR_AUDIT_INTACT);
  g_assert_cmpint (report.entries, ==, 9);   /* one "pin-set" per demo badge */
  mar_audit_report_clear (&report);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/staff-auth/sign-in", test_sign_in);
  g_test_add_func ("/core/staff-auth/pin-hash", test_pin_hash);
  g_test_add_func ("/core/staff-auth/lockout", test_lockout);
  g_test_add_func ("/core/staff-auth/wrong-then-right", test_wrong_then_right);
  g_test_add_func ("/core/staff-auth/malformed-pin", test_malformed_pin);
  g_test_add_func ("/core/staff-auth/inactive", test_inactive);
  g_test_add_func ("/core/staff-auth/set-pin-authority", test_set_pin_authority);
  g_test_add_func ("/core/staff-auth/add-local", test_add_local_rules);
  g_test_add_func ("/core/staff-auth/events-chained", test_staff_events_chained);

  return g_test_run ();
}
