/* main.c — bedside-mar: the bedside terminal's app
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bedside-mar"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "mar-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MarApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* A build run in place (tests, screenshots, `meson devenv`) reads the
   * catalogs compiled in the build tree. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BEDSIDE_MAR_LOCALEDIR") != NULL
                                   ? g_getenv ("BEDSIDE_MAR_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = mar_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
