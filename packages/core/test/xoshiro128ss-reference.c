#include <stdio.h>
#include <stdint.h>
static uint32_t sm;
uint32_t splitmix32(void){ sm += 0x9e3779b9u; uint32_t z=sm; z=(z^(z>>16))*0x85ebca6bu; z=(z^(z>>13))*0xc2b2ae35u; return z^(z>>16);}
static uint32_t s[4];
static inline uint32_t rotl(const uint32_t x, int k){ return (x<<k)|(x>>(32-k)); }
uint32_t next(void){ const uint32_t result = rotl(s[1]*5,7)*9; const uint32_t t=s[1]<<9; s[2]^=s[0]; s[3]^=s[1]; s[1]^=s[2]; s[0]^=s[3]; s[2]^=t; s[3]=rotl(s[3],11); return result; }
int main(){ uint64_t seeds[2]={42ull, 12345678901ull}; for(int j=0;j<2;j++){ uint64_t seed=seeds[j]; sm=(uint32_t)seed ^ (uint32_t)((uint32_t)(seed>>32)*0x27d4eb2fu); for(int i=0;i<4;i++) s[i]=splitmix32(); printf("seed %llu:", (unsigned long long)seed); for(int i=0;i<5;i++) printf(" %u", next()); printf("\n");} }
