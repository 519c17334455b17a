/* GCC 13 headers make libLibTorchSharp.so call this (GLIBCXX_3.4.32) only to force iostream start-up, which Debian 12's
   libstdc++ (3.4.30) does anyway; an empty definition is all the loader needs. */
void _ZSt21ios_base_library_initv(void) {}
