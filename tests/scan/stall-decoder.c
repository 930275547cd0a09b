/* stall-decoder.c — a decoder worker that reads a request and never answers
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stands in for bedside-mar-decoder in the tests of a hung worker (the app
 * must time out and restart it) and of a worker killed mid-decode.
 */

#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <glib.h>

int
main (int   argc,
      char *argv[])
{
  int fd = argc == 3 ? atoi (argv[2]) : 3;
  guint8 buf[4096];

  /* Take in whatever is sent, so the parent's write completes, then hang
   * as a worker stuck in an endless loop would. */
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);

      if (n == 0)
        return 0;
      if (n < 0)
        g_usleep (1000);
    }
}
