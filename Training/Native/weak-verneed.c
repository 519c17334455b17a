/* Marks one version requirement (e.g. GLIBCXX_3.4.32) of an ELF64 shared library weak (VER_FLG_WEAK), in place, so the
   loader only warns when the installed library lacks it. Usage: weak-verneed FILE VERSION. Exit 0 when marked or already
   weak, 1 when the file has no such requirement, 2 on error. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: weak-verneed FILE VERSION\n"); return 2; }
    FILE *f = fopen(argv[1], "r+b");
    if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    unsigned char *b = malloc(size);
    fseek(f, 0, SEEK_SET);
    if (!b || fread(b, 1, size, f) != (size_t)size) { fprintf(stderr, "%s: read failed\n", argv[1]); return 2; }
    Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) { fprintf(stderr, "%s: not ELF64\n", argv[1]); return 2; }
    Elf64_Shdr *sh = (Elf64_Shdr *)(b + eh->e_shoff);
    int found = 0;
    for (int i = 0; i < eh->e_shnum; i++)
    {
        if (sh[i].sh_type != SHT_GNU_verneed) continue;
        const char *strtab = (const char *)(b + sh[sh[i].sh_link].sh_offset);
        unsigned char *p = b + sh[i].sh_offset;
        for (;;)
        {
            Elf64_Verneed *vn = (Elf64_Verneed *)p;
            unsigned char *q = p + vn->vn_aux;
            for (int k = 0; k < vn->vn_cnt; k++)
            {
                Elf64_Vernaux *va = (Elf64_Vernaux *)q;
                if (strcmp(strtab + va->vna_name, argv[2]) == 0)
                {
                    found = 1;
                    if (!(va->vna_flags & VER_FLG_WEAK))
                    {
                        va->vna_flags |= VER_FLG_WEAK;
                        fseek(f, (long)((unsigned char *)&va->vna_flags - b), SEEK_SET);
                        fwrite(&va->vna_flags, sizeof va->vna_flags, 1, f);
                    }
                }
                if (!va->vna_next) break;
                q += va->vna_next;
            }
            if (!vn->vn_next) break;
            p += vn->vn_next;
        }
    }
    fclose(f);
    free(b);
    return found ? 0 : 1;
}
