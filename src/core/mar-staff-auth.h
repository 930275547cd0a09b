/* mar-staff-auth.h — sign-in with badge and PIN; roles; the terminal's own staff
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4: a member of staff signs in with their badge and a PIN of 4 to 8
 * digits. PINs are per terminal, set by IT; only their Argon2id hash
 * (libsodium crypto_pwhash_str) is stored. Five wrong PINs in a row lock
 * the badge for five minutes. An inactive or removed practitioner cannot
 * sign in, whatever PIN the terminal holds; nor can one without an active
 * role here. Every recorded action names who signed in for it.
 *
 * A MarSignature is the proof of one sign-in: only mar_staff_sign_in()
 * makes one, and the record takes nothing else as the performer or the
 * witness of an action.
 *
 * Times (@now) are the terminal's real clock, never a clinical time typed
 * by someone: a lock could otherwise be stepped around with --at.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mar-store.h"

G_BEGIN_DECLS

#define MAR_STAFF_AUTH_ERROR (mar_staff_auth_error_quark ())

typedef enum
{
  MAR_STAFF_AUTH_ERROR_FAILED,         /* the hash could not be computed (out of memory) */
  MAR_STAFF_AUTH_ERROR_UNKNOWN_BADGE,  /* no member of staff has that badge */
  MAR_STAFF_AUTH_ERROR_INACTIVE,       /* inactive or removed practitioner */
  MAR_STAFF_AUTH_ERROR_NO_ROLE,        /* no active role this terminal knows */
  MAR_STAFF_AUTH_ERROR_NO_PIN,         /* IT has not set a PIN on this terminal */
  MAR_STAFF_AUTH_ERROR_WRONG_PIN,      /* wrong PIN (counted) */
  MAR_STAFF_AUTH_ERROR_LOCKED,         /* too many wrong PINs: locked for a while */
  MAR_STAFF_AUTH_ERROR_PIN_FORMAT,     /* a new PIN that is not 4 to 8 digits */
  MAR_STAFF_AUTH_ERROR_NOT_ALLOWED,    /* the role or authority does not allow it */
  MAR_STAFF_AUTH_ERROR_BADGE_IN_USE,   /* staff add: the badge belongs to someone */
} MarStaffAuthError;

#define MAR_PIN_MIN_DIGITS    4
#define MAR_PIN_MAX_DIGITS    8
#define MAR_PIN_MAX_FAILURES  5
#define MAR_PIN_LOCK_SECONDS  (5 * 60)

/* Argon2id cost (docs/record.md): 3 passes over 64 MiB, about 0.1 s per
 * verification on the 2-core reference terminal, so a nurse and a witness
 * sign in well under a second. */
#define MAR_PIN_OPSLIMIT      3
#define MAR_PIN_MEMLIMIT      (64u * 1024u * 1024u)

/* Who sets a PIN or adds staff (docs/record.md): root, the terminal's
 * service account (the owner of the database file) for a first PIN or a
 * new member of staff, or an IT member signed in with badge and PIN. */
typedef enum
{
  MAR_STAFF_AUTHORITY_ROOT = 0,
  MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT,
  MAR_STAFF_AUTHORITY_IT,
} MarStaffAuthority;

typedef struct _MarSignature MarSignature;

/* A member of staff as IT sees them (marctl staff list). */
typedef struct
{
  MarStaff *staff;           /* role resolved (PractitionerRole, or the terminal's own) */
  gboolean  local;           /* made on this terminal (marctl staff add), not synced */
  gboolean  has_pin;
  guint     failed_pins;     /* wrong PINs in a row */
  gint64    locked_until;    /* MAR_TIME_UNSET: not locked */
} MarStaffAccount;

GQuark          mar_staff_auth_error_quark   (void);

/* TRUE for 4 to 8 ASCII digits. */
gboolean        mar_pin_is_well_formed       (const char        *pin);

/* Checks the badge and PIN at @now. (transfer full) NULL with @error set:
 * UNKNOWN_BADGE, INACTIVE, NO_ROLE, NO_PIN, WRONG_PIN, LOCKED (the fifth
 * wrong PIN locks and says so). */
MarSignature   *mar_staff_sign_in            (MarStore          *store,
                                              const char        *badge,
                                              const char        *pin,
                                              gint64             now,
                                              GError           **error);

MarSignature   *mar_signature_ref            (MarSignature      *signature);
void            mar_signature_unref          (MarSignature      *signature);
/* The member of staff, with the role in force at sign-in. (transfer none) */
const MarStaff *mar_signature_get_staff      (const MarSignature *signature);
MarRole         mar_signature_get_role       (const MarSignature *signature);
/* When the PIN was checked (the terminal's clock). */
gint64          mar_signature_get_time       (const MarSignature *signature);
gboolean        mar_signature_is_local       (const MarSignature *signature);

/* Sets the PIN of the badge's owner (docs/record.md, PINs): @authority
 * ROOT always may; SERVICE_ACCOUNT only when the badge has no PIN yet;
 * IT with @it signed in as IT. The PIN is hashed; the lock and the count
 * of wrong PINs are cleared. Recorded in the audit chain. */
gboolean        mar_staff_set_pin            (MarStore          *store,
                                              const char        *badge,
                                              const char        *pin,
                                              MarStaffAuthority  authority,
                                              MarSignature      *it,
                                              gint64             now,
                                              GError           **error);

/* A member of staff made on this terminal, for sites without
 * PractitionerRole sync (id "local-<uuid>"); ROOT, SERVICE_ACCOUNT or IT
 * may. (transfer full) */
MarStaff       *mar_staff_add_local          (MarStore          *store,
                                              const char        *badge,
                                              const char        *name,
                                              MarRole            role,
                                              MarStaffAuthority  authority,
                                              MarSignature      *it,
                                              gint64             now,
                                              GError           **error);
/* Deactivates (or reactivates) a member of staff made on this terminal;
 * synced staff change on the server. */
gboolean        mar_staff_set_local_active   (MarStore          *store,
                                              const char        *badge,
                                              gboolean           active,
                                              MarStaffAuthority  authority,
                                              MarSignature      *it,
                                              gint64             now,
                                              GError           **error);

/* (element-type MarStaffAccount) every member of staff not removed, by badge. */
GPtrArray      *mar_staff_list_accounts      (MarStore          *store,
                                              GError           **error);
void            mar_staff_account_free       (MarStaffAccount   *account);

/* The role of @staff on this terminal: its PractitionerRole's, else the
 * terminal's own for local staff. */
gboolean        mar_staff_resolve_role       (MarStore          *store,
                                              MarStaff          *staff,
                                              gboolean          *local,
                                              GError           **error);

/* The FHIR Reference for a member of staff in what the terminal writes:
 * "Practitioner/<id>" for synced staff, the badge identifier for staff
 * made here (the server has no Practitioner for them), the terminal for
 * the pseudo ids of mar-audit-private.h. (transfer full) */
JsonNode       *mar_staff_dup_fhir_reference (MarStore          *store,
                                              const char        *staff_id,
                                              GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarSignature, mar_signature_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarStaffAccount, mar_staff_account_free)

G_END_DECLS
