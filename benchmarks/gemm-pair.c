// How a linear layer's two backward products share two cores, in C against the OpenBLAS that ND4J ships (issue 19,
// benchmarks/README.md "The reference step"): "pair" runs dW = xᵀ·dy whole on one thread and dx = dy·Wᵀ whole on
// the other (Blas.gemmPair, what the model does); "ksplit+rows" cuts dW along the tokens (k) into two partial sums
// (the second into a scratch array, added afterwards) and dx into two row blocks, each thread doing one half of
// each. Steps interleaved, medians of 38 after 3 warm-up repetitions.
//   gcc -O2 -o /tmp/gemm-pair benchmarks/gemm-pair.c -ldl -lpthread
//   D=~/.javacpp/cache/openblas-0.3.19-1.5.7-linux-x86_64.jar/org/bytedeco/openblas/linux-x86_64
//   LD_LIBRARY_PATH=$D /tmp/gemm-pair $D/libopenblas_nolapack.so.0 4096 0 4   # tokens, first and last shape index
// Shapes (in, out): 0-3 the d 128 block (qkv, attention output, fc, mlp proj), 4-7 d 512, 8-11 d 256.
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <time.h>
typedef void (*sgemm_t)(int,int,int,int,int,int,float,const float*,int,const float*,int,float,float*,int);
static sgemm_t sg;
enum {RM=101, NoT=111, T=112};
typedef struct {int ta,tb,m,n,k; const float *a,*b; float *c; int lda,ldb,ldc; float beta;} G;
typedef struct {G g[2]; int cnt;} job;
static void* run(void* p){ job* j=p; for(int i=0;i<j->cnt;i++){G*g=&j->g[i]; sg(RM,g->ta?T:NoT,g->tb?T:NoT,g->m,g->n,g->k,1.f,g->a,g->lda,g->b,g->ldb,g->beta,g->c,g->ldc);} return 0;}
static double now(){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec*1e-9;}
static void two(job*a, job*b){pthread_t th; pthread_create(&th,0,run,b); run(a); pthread_join(th,0);}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  void* h=dlopen(argv[1],RTLD_NOW|RTLD_GLOBAL); sg=(sgemm_t)dlsym(h,"cblas_sgemm"); void(*snt)(int)=dlsym(h,"openblas_set_num_threads"); snt(1);
  int N=atoi(argv[2]); int lin[][2]={{128,384},{128,128},{128,512},{512,128},{512,1536},{512,512},{512,2048},{2048,512},{256,768},{256,256},{256,1024},{1024,256}};
  int L0=atoi(argv[3]), L1=atoi(argv[4]);
  double tot[2]={0,0};
  for(int L=L0;L<L1;L++){int in=lin[L][0],out=lin[L][1];
    float*X=malloc(4L*N*in),*DY=malloc(4L*N*out),*W=malloc(4L*in*out),*DW=calloc(in*out,4),*DX=malloc(4L*N*in),*S=malloc(4L*in*out);
    for(long i=0;i<(long)N*in;i++)X[i]=(i%7)*0.1f; for(long i=0;i<(long)N*out;i++)DY[i]=(i%5)*0.1f; for(long i=0;i<in*out;i++)W[i]=(i%3)*.1f;
    int R=41; double t[2][64];
    for(int r=0;r<R;r++) for(int s=0;s<2;s++){ job a={0},b={0}; double t0=now();
        G dW={1,0,in,out,N,X,DY,DW,in,out,out,1.f};
        G dx={0,1,N,in,out,DY,W,DX,out,out,in,0.f};
        if(s==0){a.g[0]=dW;a.cnt=1;b.g[0]=dx;b.cnt=1;two(&a,&b);}
        else {G d0=dW; d0.k=N/2; G d1=dW; d1.k=N-N/2; d1.a=X+(long)(N/2)*in; d1.b=DY+(long)(N/2)*out; d1.c=S; d1.beta=0;
          G x0=dx; x0.m=N/2; G x1=dx; x1.m=N-N/2; x1.a=DY+(long)(N/2)*out; x1.c=DX+(long)(N/2)*in;
          a.g[0]=d0;b.g[0]=d1; a.g[1]=x0;b.g[1]=x1;a.cnt=b.cnt=2; two(&a,&b); for(int i=0;i<in*out;i++)DW[i]+=S[i];}
        t[s][r]=now()-t0;}
    for(int s=0;s<2;s++){qsort(t[s]+3,R-3,sizeof(double),cmp);} double m0=t[0][3+(R-3)/2], m1=t[1][3+(R-3)/2];
    tot[0]+=m0; tot[1]+=m1;
    printf("in%d out%d N%d pair %.3f ms (%.0f GF/s)  ksplit+rows %.3f ms (%.0f GF/s)  ratio %.3f\n",in,out,N,m0*1e3,4.0*N*in*out/m0/1e9,m1*1e3,4.0*N*in*out/m1/1e9,m1/m0);
    free(X);free(DY);free(W);free(DW);free(DX);free(S);}
  printf("total pair %.3f ksplit %.3f ratio %.3f\n", tot[0]*1e3, tot[1]*1e3, tot[1]/tot[0]);
}
