// OpenBLAS sgemm rate on the d 512 step's shapes, split the way core/.../model/Blas.java splits one product (two
// threads, each single-threaded on half of C), to compare OpenBLAS builds (issue 19, benchmarks/README.md "Why
// d 512 cannot go much lower on this CPU"). 15 repetitions per shape, the median of the last 10.
//   gcc -O2 -o /tmp/gemm-shapes benchmarks/gemm-shapes.c -ldl -lpthread
//   D=~/.javacpp/cache/openblas-0.3.19-1.5.7-linux-x86_64.jar/org/bytedeco/openblas/linux-x86_64
//   LD_LIBRARY_PATH=$D /tmp/gemm-shapes $D/libopenblas.so.0
// Other versions: unzip org/bytedeco/openblas/linux-x86_64/* from ~/.m2's openblas-<v>-linux-x86_64.jar
// (mvn dependency:get -Dartifact=org.bytedeco:openblas:0.3.31-1.5.13:jar:linux-x86_64) and point D there.
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <time.h>
typedef void (*sgemm_t)(int,int,int,int,int,int,float,const float*,int,const float*,int,float,float*,int);
static sgemm_t sg; 
enum {RowMajor=101, NoT=111, T=112};
typedef struct {int ta,tb,m,n,k; float *a,*b,*c; int lda,ldb,ldc;} job;
static void* run(void* p){ job* j=p; sg(RowMajor,j->ta?T:NoT,j->tb?T:NoT,j->m,j->n,j->k,1.f,j->a,j->lda,j->b,j->ldb,0.f,j->c,j->ldc); return 0;}
static double now(){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  void* h=dlopen(argv[1],RTLD_NOW|RTLD_GLOBAL); if(!h){printf("%s\n",dlerror());return 1;}
  sg=(sgemm_t)dlsym(h,"cblas_sgemm"); void(*snt)(int)=dlsym(h,"openblas_set_num_threads"); char*(*cn)(void)=dlsym(h,"openblas_get_corename");
  snt(1); printf("core %s\n", cn?cn():"?");
  int shapes[][5]={{0,0,4096,2048,512},{0,0,4096,512,2048},{1,0,512,2048,4096},{0,1,4096,512,2048},{0,0,4096,512,128},{1,0,128,512,4096}};
  for(int s=0;s<6;s++){int ta=shapes[s][0],tb=shapes[s][1],m=shapes[s][2],n=shapes[s][3],k=shapes[s][4];
    float*A=malloc(4L*m*k),*B=malloc(4L*k*n),*C=malloc(4L*m*n); for(long i=0;i<(long)m*k;i++)A[i]=(i%7)*0.1f; for(long i=0;i<(long)k*n;i++)B[i]=(i%5)*0.1f;
    int lda= ta? m : k; int ldb = tb? k : n;
    double times[15];
    for(int r=0;r<15;r++){ job j[2]; pthread_t th[2];
      for(int t=0;t<2;t++){ j[t]=(job){ta,tb,0,0,k,A,B,C,lda,ldb,n};
        if(m>=n){ int lo=t*m/2, hi=(t+1)*m/2; j[t].m=hi-lo; j[t].n=n; j[t].a= ta? A+lo : A+(long)lo*lda; j[t].c=C+(long)lo*n; }
        else { int lo=t*n/2, hi=(t+1)*n/2; j[t].m=m; j[t].n=hi-lo; j[t].b= tb? B+(long)lo*ldb : B+lo; j[t].c=C+lo; } }
      double t0=now(); for(int t=0;t<2;t++) pthread_create(&th[t],0,run,&j[t]); for(int t=0;t<2;t++) pthread_join(th[t],0); times[r]=now()-t0; }
    // median of last 10
    for(int a=5;a<15;a++)for(int b=a+1;b<15;b++) if(times[b]<times[a]){double x=times[a];times[a]=times[b];times[b]=x;}
    double med=times[10]; printf("%c%c m%d n%d k%d: %.2f ms %.1f GF/s\n", ta?'T':'N', tb?'T':'N', m,n,k, med*1e3, 2.0*m*n*k/med/1e9);
    free(A);free(B);free(C);}
}
