#include "cli.h"
int wd_cmd_fleet(int argc, char **argv){(void)argc;(void)argv;return 1;}
