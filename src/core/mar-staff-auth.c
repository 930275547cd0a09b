/* mar-staff-auth.c — sign-in with badge and PIN; roles; the terminal's own staff
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-staff-auth"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "mar-audit-private.h"
#include "mar-fhir.h"
#include "mar-staff-auth.h"
#include "mar-store-private.h"

G_DEFINE_QUARK (mar-staff-auth-error-quark, mar_staff_auth_error)

#define LOCAL_ID_PREFIX "local-"

struct _MarSignature
{
  gatomicrefcount  ref_count;
  MarStaff        *staff;
  gint64           time;
  gboolean         local;
};

/* Signatures ------------------------------------------------------------- */

MarSignature *
mar_signature_ref (MarSignature *signature)
{
  g_return_val_if_fail (signature != NULL, NULL);
  g_atomic_ref_count_inc (&signature->ref_count);
  return signature;
}

void
mar_signature_unref (MarSignature *signature)
{
  if (signature == NULL || !g_atomic_ref_count_dec (&signature->ref_count))
    return;
  mar_staff_free (signature->staff);
  g_free (signature);
}

const MarStaff *
mar_signature_get_staff (const MarSignature *signature)
{
  g_return_val_if_fail (signature != NULL, NULL);
  return signature->staff;
}

MarRole
mar_signature_get_role (const MarSignature *signature)
{
  g_return_val_if_fail (signature != NULL, MAR_ROLE_NONE);
  return signature->staff->role;
}

gint64
mar_signature_get_time (const MarSignature *signature)
{
  g_return_val_if_fail (signature != NULL, MAR_TIME_UNSET);
  return signature->time;
}

gboolean
mar_signature_is_local (const MarSignature *signature)
{
  g_return_val_if_fail (signature != NULL, FALSE);
  return signature->local;
}

/* Helpers ------------------------------------------------------------------ */

gboolean
mar_pin_is_well_formed (const char *pin)
{
  gsize length;

  if (pin == NULL)
    return FALSE;
  length = strlen (pin);
  if (length < MAR_PIN_MIN_DIGITS || length > MAR_PIN_MAX_DIGITS)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

static gboolean
sodium_ready (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_FAILED,
                           _("The cryptography library could not start"));
      return FALSE;
    }
  return TRUE;
}

static void
bind_text (MarStmt    *stmt,
           int         index,
           const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static const char *
role_to_local (MarRole role)
{
  switch (role)
    {
    case MAR_ROLE_NURSE: return "nurse";
    case MAR_ROLE_CHARGE_NURSE: return "charge";
    case MAR_ROLE_IT: return "it";
    case MAR_ROLE_NONE:
    default: return NULL;
    }
}

static MarRole
role_from_local (const char *text)
{
  if (g_strcmp0 (text, "nurse") == 0)
    return MAR_ROLE_NURSE;
  if (g_strcmp0 (text, "charge") == 0)
    return MAR_ROLE_CHARGE_NURSE;
  if (g_strcmp0 (text, "it") == 0)
    return MAR_ROLE_IT;
  return MAR_ROLE_NONE;
}

gboolean
mar_staff_resolve_role (MarStore  *store,
                        MarStaff  *staff,
                        gboolean  *local,
                        GError   **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (staff != NULL && staff->id != NULL, FALSE);

  stmt = mar_store_prepare (store, "SELECT role FROM terminal_staff WHERE staff_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, staff->id);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  if (local != NULL)
    *local = rc == SQLITE_ROW;
  /* A synced practitioner's role comes from PractitionerRole (already
   * read by the store); the terminal's own staff carry theirs here. */
  if (rc == SQLITE_ROW && staff->role == MAR_ROLE_NONE)
    staff->role = role_from_local ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

typedef struct
{
  char   *pin_hash;
  guint   failed;
  gint64  locked_until;
} PinState;

static void
pin_state_clear (PinState *state)
{
  g_clear_pointer (&state->pin_hash, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PinState, pin_state_clear)

static gboolean
read_pin_state (MarStore    *store,
                const char  *staff_id,
                PinState    *state,
                GError     **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "SELECT pin_hash, failed_pin_count, locked_until FROM staff WHERE id = ?1", error);
  const unsigned char *hash;
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, staff_id);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  memset (state, 0, sizeof *state);
  state->locked_until = MAR_TIME_UNSET;
  if (rc == SQLITE_DONE)
    return TRUE;
  hash = sqlite3_column_text (stmt, 0);
  state->pin_hash = hash != NULL ? g_strdup ((const char *) hash) : NULL;
  state->failed = sqlite3_column_int (stmt, 1);
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    state->locked_until = sqlite3_column_int64 (stmt, 2);
  return TRUE;
}

static gboolean
write_pin_state (MarStore    *store,
                 const char  *staff_id,
                 guint        failed,
                 gint64       locked_until,
                 GError     **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "UPDATE staff SET failed_pin_count = ?2, locked_until = ?3 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, staff_id);
  sqlite3_bind_int (stmt, 2, failed);
  if (locked_until != MAR_TIME_UNSET)
    sqlite3_bind_int64 (stmt, 3, locked_until);
  else
    sqlite3_bind_null (stmt, 3);
  return mar_store_run (store, stmt, error);
}

static gboolean
write_pin_hash (MarStore    *store,
                const char  *staff_id,
                const char  *hash,
                GError     **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "UPDATE staff SET pin_hash = ?2, failed_pin_count = 0, locked_until = NULL WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, staff_id);
  bind_text (stmt, 2, hash);
  return mar_store_run (store, stmt, error);
}

/* Staff audit events: no patient, the terminal's clock for both times. */
static gboolean
append_staff_entry (MarStore    *store,
                    const char  *kind,
                    const char  *performer_id,
                    JsonNode    *payload,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(MarAuditEntry) entry = g_new0 (MarAuditEntry, 1);
  g_autoptr(JsonNode) agent = NULL;

  entry->kind = g_strdup (kind);
  entry->at = now;
  entry->recorded_at = now;
  entry->performer_id = g_strdup (performer_id);
  entry->payload = mar_audit_canonical_json (payload);
  if (!mar_audit_append (store, entry, error))
    return FALSE;
  agent = mar_staff_dup_fhir_reference (store, performer_id, error);
  if (agent == NULL)
    return FALSE;
  return mar_audit_queue_head (store, agent, now, NULL, error);
}

static const char *
authority_actor (MarStaffAuthority  authority,
                 MarSignature      *it)
{
  switch (authority)
    {
    case MAR_STAFF_AUTHORITY_ROOT:
      return MAR_AUDIT_ACTOR_ROOT;
    case MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT:
      return MAR_AUDIT_ACTOR_SERVICE_ACCOUNT;
    case MAR_STAFF_AUTHORITY_IT:
    default:
      return it->staff->id;
    }
}

static const char *
authority_to_string (MarStaffAuthority authority)
{
  switch (authority)
    {
    case MAR_STAFF_AUTHORITY_ROOT: return "root";
    case MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT: return "service-account";
    case MAR_STAFF_AUTHORITY_IT:
    default: return "it";
    }
}

/* IT acting for the change must have signed in as IT (and still be). */
static gboolean
check_it (MarStaffAuthority   authority,
          MarSignature       *it,
          GError            **error)
{
  if (authority != MAR_STAFF_AUTHORITY_IT)
    return TRUE;
  if (it == NULL || it->staff->role != MAR_ROLE_IT)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED,
                           _("Only a member of IT, signed in with badge and PIN, may do this"));
      return FALSE;
    }
  return TRUE;
}

static MarStaff *
find_staff (MarStore    *store,
            const char  *badge,
            gboolean    *local,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MarStaff) staff = mar_store_find_staff_by_badge (store, badge, &local_error);

  if (staff == NULL)
    {
      if (g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
        {
          g_autoptr(MarStmt) stmt = mar_store_prepare (store,
            "SELECT 1 FROM staff WHERE badge = ?1 AND removed = 1", error);
          int rc;

          if (stmt == NULL)
            return NULL;
          bind_text (stmt, 1, badge);
          rc = mar_store_step (store, stmt, error);
          if (rc < 0)
            return NULL;
          if (rc == SQLITE_ROW)
            g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_INACTIVE,
                                 _("This badge belongs to someone who is no longer on staff: "
                                   "it cannot sign in"));
          else
            g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_UNKNOWN_BADGE,
                                 _("This badge is not known on this terminal"));
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!mar_staff_resolve_role (store, staff, local, error))
    return NULL;
  return g_steal_pointer (&staff);
}

static char *
minutes_text (gint64 seconds)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, (seconds + 59) / 60);
}

/* Sign-in ------------------------------------------------------------------ */

MarSignature *
mar_staff_sign_in (MarStore    *store,
                   const char  *badge,
                   const char  *pin,
                   gint64       now,
                   GError     **error)
{
  g_autoptr(MarStaff) staff = NULL;
  g_auto(PinState) state = { 0 };
  MarSignature *signature;
  gboolean local = FALSE;
  gboolean match;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (badge != NULL && pin != NULL, NULL);

  if (!sodium_ready (error))
    return NULL;

  staff = find_staff (store, badge, &local, error);
  if (staff == NULL)
    return NULL;

  /* Whatever PIN the terminal holds (FHIR-PROFILE.md, PractitionerRole). */
  if (!staff->active || staff->removed)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_INACTIVE,
                           _("This member of staff is not active: the badge cannot sign in"));
      return NULL;
    }
  if (staff->role == MAR_ROLE_NONE)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NO_ROLE,
                           _("This member of staff has no active role on this unit: the badge "
                             "cannot sign in"));
      return NULL;
    }

  if (!read_pin_state (store, staff->id, &state, error))
    return NULL;
  if (state.locked_until != MAR_TIME_UNSET && state.locked_until > now)
    {
      g_autofree char *minutes = minutes_text (state.locked_until - now);

      g_set_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_LOCKED,
                   _("This badge is locked after too many wrong PINs: try again in %s min"), minutes);
      return NULL;
    }
  if (state.pin_hash == NULL)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NO_PIN,
                           _("No PIN is set for this badge on this terminal: ask IT to set one"));
      return NULL;
    }

  /* A PIN that is not 4–8 digits cannot match: it counts as a wrong one. */
  match = mar_pin_is_well_formed (pin) &&
          crypto_pwhash_str_verify (state.pin_hash, pin, strlen (pin)) == 0;

  if (!match)
    {
      g_auto(PinState) fresh = { 0 };
      guint failed;
      gboolean locks;

      /* Count from the row as it is under the write lock: the app and
       * marctl may both be taking wrong PINs for the same badge. */
      if (!mar_store_begin (store, error))
        return NULL;
      if (!read_pin_state (store, staff->id, &fresh, error))
        goto failed;
      failed = fresh.failed + 1;
      locks = failed >= MAR_PIN_MAX_FAILURES;
      if (!write_pin_state (store, staff->id, locks ? 0 : failed,
                            locks ? now + MAR_PIN_LOCK_SECONDS : MAR_TIME_UNSET, error))
        goto failed;
      if (locks)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) payload = NULL;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "badge");
          json_builder_add_string_value (builder, badge);
          json_builder_set_member_name (builder, "failures");
          json_builder_add_int_value (builder, failed);
          json_builder_set_member_name (builder, "locked_until");
          json_builder_add_int_value (builder, now + MAR_PIN_LOCK_SECONDS);
          json_builder_end_object (builder);
          payload = json_builder_get_root (builder);
          if (!append_staff_entry (store, "badge-locked", staff->id, payload, now, error))
            goto failed;
        }
      if (!mar_audit_commit (store, error))
        return NULL;

      if (locks)
        {
          g_autofree char *minutes = minutes_text (MAR_PIN_LOCK_SECONDS);

          g_set_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_LOCKED,
                       _("Wrong PIN. The badge is now locked for %s min"), minutes);
        }
      else
        {
          g_autofree char *left = g_strdup_printf ("%u", MAR_PIN_MAX_FAILURES - failed);

          g_set_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_WRONG_PIN,
                       _("Wrong PIN (%s more tries before the badge is locked)"), left);
        }
      return NULL;

    failed:
      mar_store_rollback (store);
      return NULL;
    }

  if (state.failed != 0 || state.locked_until != MAR_TIME_UNSET ||
      crypto_pwhash_str_needs_rehash (state.pin_hash, MAR_PIN_OPSLIMIT, MAR_PIN_MEMLIMIT) != 0)
    {
      char hash[crypto_pwhash_STRBYTES];
      gboolean rehash = crypto_pwhash_str_needs_rehash (state.pin_hash, MAR_PIN_OPSLIMIT,
                                                        MAR_PIN_MEMLIMIT) != 0 &&
                        crypto_pwhash_str (hash, pin, strlen (pin), MAR_PIN_OPSLIMIT,
                                           MAR_PIN_MEMLIMIT) == 0;

      /* A hash made with older parameters is renewed while the PIN is at
       * hand (libsodium's documented upgrade path). */
      if (!mar_store_begin (store, error))
        return NULL;
      if (!(rehash ? write_pin_hash (store, staff->id, hash, error)
                   : write_pin_state (store, staff->id, 0, MAR_TIME_UNSET, error)))
        {
          mar_store_rollback (store);
          return NULL;
        }
      if (!mar_store_commit (store, error))
        return NULL;
      sodium_memzero (hash, sizeof hash);
    }

  signature = g_new0 (MarSignature, 1);
  g_atomic_ref_count_init (&signature->ref_count);
  signature->staff = g_steal_pointer (&staff);
  signature->time = now;
  signature->local = local;
  return signature;
}

/* PINs ---------------------------------------------------------------------- */

gboolean
mar_staff_set_pin (MarStore           *store,
                   const char         *badge,
                   const char         *pin,
                   MarStaffAuthority   authority,
                   MarSignature       *it,
                   gint64              now,
                   GError            **error)
{
  g_autoptr(MarStaff) staff = NULL;
  g_auto(PinState) state = { 0 };
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) payload = NULL;
  char hash[crypto_pwhash_STRBYTES];
  gboolean ok;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (badge != NULL && pin != NULL, FALSE);

  if (!mar_pin_is_well_formed (pin))
    {
      g_set_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_PIN_FORMAT,
                   _("A PIN is %d to %d digits"), MAR_PIN_MIN_DIGITS, MAR_PIN_MAX_DIGITS);
      return FALSE;
    }
  if (!check_it (authority, it, error) || !sodium_ready (error))
    return FALSE;

  staff = find_staff (store, badge, NULL, error);
  if (staff == NULL)
    return FALSE;
  if (!read_pin_state (store, staff->id, &state, error))
    return FALSE;
  if (authority == MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT && state.pin_hash != NULL)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED,
                           _("This badge already has a PIN: changing it needs a member of IT "
                             "(badge and PIN) or root"));
      return FALSE;
    }

  if (crypto_pwhash_str (hash, pin, strlen (pin), MAR_PIN_OPSLIMIT, MAR_PIN_MEMLIMIT) != 0)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_FAILED,
                           _("The PIN could not be hashed (not enough memory)"));
      return FALSE;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "badge");
  json_builder_add_string_value (builder, badge);
  json_builder_set_member_name (builder, "staff");
  json_builder_add_string_value (builder, staff->id);
  json_builder_set_member_name (builder, "authority");
  json_builder_add_string_value (builder, authority_to_string (authority));
  json_builder_set_member_name (builder, "replaced");
  json_builder_add_boolean_value (builder, state.pin_hash != NULL);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_store_begin (store, error))
    {
      sodium_memzero (hash, sizeof hash);
      return FALSE;
    }
  ok = write_pin_hash (store, staff->id, hash, error) &&
       append_staff_entry (store, "pin-set", authority_actor (authority, it), payload, now, error);
  sodium_memzero (hash, sizeof hash);
  if (!ok)
    {
      mar_store_rollback (store);
      return FALSE;
    }
  return mar_audit_commit (store, error);
}

/* The terminal's own staff ------------------------------------------------ */

MarStaff *
mar_staff_add_local (MarStore           *store,
                     const char         *badge,
                     const char         *name,
                     MarRole             role,
                     MarStaffAuthority   authority,
                     MarSignature       *it,
                     gint64              now,
                     GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MarStaff) existing = NULL;
  g_autoptr(MarStaff) staff = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *uuid = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (badge != NULL && name != NULL, NULL);

  if (role_to_local (role) == NULL)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED,
                           _("A member of staff is a nurse, a charge nurse or IT"));
      return NULL;
    }
  if (*badge == '\0' || *name == '\0')
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED,
                           _("A member of staff needs a badge and a name"));
      return NULL;
    }
  if (!check_it (authority, it, error))
    return NULL;

  existing = mar_store_find_staff_by_badge (store, badge, &local_error);
  if (existing != NULL || !g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
    {
      if (existing != NULL || g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS))
        g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_BADGE_IN_USE,
                             _("This badge already belongs to a member of staff"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  uuid = g_uuid_string_random ();
  staff = mar_staff_new ();
  staff->id = g_strconcat (LOCAL_ID_PREFIX, uuid, NULL);
  staff->version = g_strdup ("1");
  staff->badge = g_strdup (badge);
  staff->name = g_strdup (name);
  staff->active = TRUE;
  staff->role = role;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "badge");
  json_builder_add_string_value (builder, badge);
  json_builder_set_member_name (builder, "staff");
  json_builder_add_string_value (builder, staff->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role_to_local (role));
  json_builder_set_member_name (builder, "authority");
  json_builder_add_string_value (builder, authority_to_string (authority));
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_store_begin (store, error))
    return NULL;
  {
    g_autoptr(MarStmt) stmt = NULL;

    if (!mar_store_upsert_staff (store, staff, NULL, NULL, error))
      goto failed;
    stmt = mar_store_prepare (store,
                              "INSERT INTO terminal_staff (staff_id, role, created_at, created_by) "
                              "VALUES (?1, ?2, ?3, ?4)", error);
    if (stmt == NULL)
      goto failed;
    bind_text (stmt, 1, staff->id);
    bind_text (stmt, 2, role_to_local (role));
    sqlite3_bind_int64 (stmt, 3, now);
    bind_text (stmt, 4, authority_actor (authority, it));
    if (!mar_store_run (store, stmt, error))
      goto failed;
  }
  if (!append_staff_entry (store, "staff-added", authority_actor (authority, it), payload, now, error))
    goto failed;
  if (!mar_audit_commit (store, error))
    return NULL;
  return g_steal_pointer (&staff);

failed:
  mar_store_rollback (store);
  return NULL;
}

gboolean
mar_staff_set_local_active (MarStore           *store,
                            const char         *badge,
                            gboolean            active,
                            MarStaffAuthority   authority,
                            MarSignature       *it,
                            gint64              now,
                            GError            **error)
{
  g_autoptr(MarStaff) staff = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) payload = NULL;
  gboolean local = FALSE;
  guint64 version;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (badge != NULL, FALSE);

  if (!check_it (authority, it, error))
    return FALSE;
  staff = find_staff (store, badge, &local, error);
  if (staff == NULL)
    return FALSE;
  if (!local)
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED,
                           _("This member of staff comes from the hospital's server: change them "
                             "there"));
      return FALSE;
    }
  if (staff->active == active)
    return TRUE;

  version = g_ascii_strtoull (staff->version != NULL ? staff->version : "1", NULL, 10);
  g_free (staff->version);
  staff->version = g_strdup_printf ("%" G_GUINT64_FORMAT, version + 1);
  staff->active = active;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "badge");
  json_builder_add_string_value (builder, badge);
  json_builder_set_member_name (builder, "staff");
  json_builder_add_string_value (builder, staff->id);
  json_builder_set_member_name (builder, "authority");
  json_builder_add_string_value (builder, authority_to_string (authority));
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_store_begin (store, error))
    return FALSE;
  if (!mar_store_upsert_staff (store, staff, NULL, NULL, error) ||
      !append_staff_entry (store, active ? "staff-activated" : "staff-deactivated",
                           authority_actor (authority, it), payload, now, error))
    {
      mar_store_rollback (store);
      return FALSE;
    }
  return mar_audit_commit (store, error);
}

void
mar_staff_account_free (MarStaffAccount *account)
{
  if (account == NULL)
    return;
  mar_staff_free (account->staff);
  g_free (account);
}

GPtrArray *
mar_staff_list_accounts (MarStore  *store,
                         GError   **error)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_staff_account_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (store,
      "SELECT id FROM staff WHERE removed = 0 ORDER BY badge, id", error);

    if (stmt == NULL)
      return NULL;
    while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    if (rc < 0)
      return NULL;
  }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(MarStaffAccount) account = g_new0 (MarStaffAccount, 1);
      g_auto(PinState) state = { 0 };

      account->staff = mar_store_get_staff (store, g_ptr_array_index (ids, i), error);
      if (account->staff == NULL ||
          !mar_staff_resolve_role (store, account->staff, &account->local, error) ||
          !read_pin_state (store, account->staff->id, &state, error))
        return NULL;
      account->has_pin = state.pin_hash != NULL;
      account->failed_pins = state.failed;
      account->locked_until = state.locked_until;
      g_ptr_array_add (accounts, g_steal_pointer (&account));
    }
  return g_steal_pointer (&accounts);
}

JsonNode *
mar_staff_dup_fhir_reference (MarStore    *store,
                              const char  *staff_id,
                              GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MarStaff) staff = NULL;
  gboolean local = FALSE;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (staff_id != NULL, NULL);

  json_builder_begin_object (builder);
  if (g_str_has_prefix (staff_id, "terminal:"))
    {
      json_builder_set_member_name (builder, "display");
      json_builder_add_string_value (builder, g_str_equal (staff_id, MAR_AUDIT_ACTOR_ROOT)
                                              ? "Bedside MAR terminal (root)"
                                              : "Bedside MAR terminal (service account)");
      json_builder_end_object (builder);
      return json_builder_get_root (builder);
    }

  staff = mar_store_get_staff (store, staff_id, &local_error);
  if (staff == NULL && !g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (staff != NULL && !mar_staff_resolve_role (store, staff, &local, error))
    return NULL;

  if (local)
    {
      json_builder_set_member_name (builder, "identifier");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, MAR_SYSTEM_BADGE);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, staff->badge);
      json_builder_end_object (builder);
    }
  else
    {
      g_autofree char *reference = g_strconcat ("Practitioner/", staff_id, NULL);

      json_builder_set_member_name (builder, "reference");
      json_builder_add_string_value (builder, reference);
    }
  if (staff != NULL && staff->name != NULL)
    {
      json_builder_set_member_name (builder, "display");
      json_builder_add_string_value (builder, staff->name);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
