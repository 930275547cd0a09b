/* demo-staff-pins.c — PIN 1234 for every member of staff of the demo ward
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ./tools/demo runs it (through tools/demo-setup-staff) right after
 * importing the demo ward, so that a newcomer can sign in with any badge
 * of the label sheet. The demo only: a real terminal's PINs are set by IT
 * for each person (mar-staff-auth.h).
 */

#define G_LOG_DOMAIN "demo-staff-pins"

#include "config.h"

#include <locale.h>

#include "mar-staff-auth.h"

#define DEMO_PIN "1234"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint set = 0;

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("Usage: %s DATABASE\n", argv[0]);
      return 64;
    }

  store = mar_store_open (argv[1], MAR_STORE_OPEN_MUST_EXIST, &error);
  if (store == NULL || (accounts = mar_staff_list_accounts (store, &error)) == NULL)
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return 74;
    }
  for (guint i = 0; i < accounts->len; i++)
    {
      const MarStaffAccount *account = g_ptr_array_index (accounts, i);

      if (account->staff->badge == NULL || !account->staff->active)
        continue;
      if (!mar_staff_set_pin (store, account->staff->badge, DEMO_PIN, MAR_STAFF_AUTHORITY_ROOT, NULL, now, &error))
        {
          g_printerr ("%s: %s\n", argv[0], error->message);
          return 74;
        }
      set++;
    }
  g_print ("Demo ward: PIN %s set for %u members of staff.\n", DEMO_PIN, set);
  return 0;
}
